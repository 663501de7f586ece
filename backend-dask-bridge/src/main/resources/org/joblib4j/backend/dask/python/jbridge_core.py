"""joblib4j's Dask bridge: the code shared by the client sidecar and the Dask workers.

This file runs in two places:

* the sidecar (``jbridge_sidecar.py``, a child process of the Java client) imports it;
* every Dask worker executes its text into a private module when the bridge's worker plugin is set
  up there (the plugin carries the text), so nothing has to be installed on worker hosts beyond
  Debian's ``python3-distributed`` and a Java runtime.

Framing, on every pipe: ``uint32 marker | uint32 length | uint8 op | int64 id | payload`` (big
endian), where ``length`` counts op, id and payload. The marker (``JB4J``) and the length cap make
bytes that are not a frame a clear ``ProtocolError`` rather than a read that waits forever.

Only builtins cross Dask (bytes, lists, tuples, str): classes from this module are unknown to the
scheduler and to clients.
"""

import collections
import hashlib
import json
import logging
import os
import queue
import shutil
import socket
import stat
import struct
import subprocess
import sys
import threading
import time

HEADER = struct.Struct(">IIBq")
LENGTH = struct.Struct(">I")
MARKER_LENGTH = struct.Struct(">II")
OP_ID = struct.Struct(">Bq")
MARKER = 0x4A42344A  # b"JB4J"
MAX_LENGTH = 2 ** 31 - 1 - 16  # op, id and payload: the largest byte array a JVM can allocate

# client protocol: Java (client JVM or executor JVM) -> Python
HELLO, SUBMIT, SCATTER, RELEASE, CANCEL, INFO, STATS, STATE, SECEDE, REJOIN, SHUTDOWN, PROBE = range(1, 13)
# client protocol: Python -> Java
WELCOME, RESULT, TASK_ERROR, INFRA_ERROR, CANCELLED = 32, 33, 34, 35, 36
REPLY, REPLY_ERROR, CLOSED, REJOINED = 38, 39, 40, 41
# executor hop: Dask worker (Python) -> executor JVM
EXEC, PUT_BLOB, DROP_BLOB, CANCEL_EXEC, EXIT = 64, 65, 66, 67, 68
# executor hop: executor JVM -> Dask worker
READY, OK, ERR, CANCELLED_EXEC, IDLE = 80, 81, 82, 83, 84

SUBMIT_OPTIONS = ("workers", "resources", "retries", "priority", "allow_other_workers", "fifo_timeout")
GATHER_TIMEOUT = 30.0
REQUEUE_DELAY = 0.5

log = logging.getLogger("joblib4j.dask")
TR = os.environ.get("JBRIDGE_TRACE")  # timestamps of each step on stderr, for diagnosis
def tr(msg):
    if TR:
        sys.stderr.write("TRACEP %.3f %s\n" % (time.monotonic() * 1000, msg))


class FrameWriter:
    """Writes frames to a binary file object; thread-safe."""

    def __init__(self, f):
        self._f = f
        self._lock = threading.Lock()
        self.broken = False

    def send(self, op, fid, *parts):
        size = 0
        for p in parts:
            size += len(p)
        if 9 + size > MAX_LENGTH:
            raise ValueError("a frame of %d bytes is too large for the Dask bridge" % (9 + size))
        header = HEADER.pack(MARKER, 9 + size, op, fid)
        with self._lock:
            if self.broken:
                raise BrokenPipeError("the peer is gone")
            try:
                self._f.write(header)
                for p in parts:
                    self._f.write(p)
                self._f.flush()
            except (OSError, ValueError) as e:
                self.broken = True
                raise BrokenPipeError(str(e))

    def send_json(self, op, fid, obj):
        self.send(op, fid, json.dumps(obj).encode("utf-8"))

    def close(self):
        with self._lock:
            self.broken = True
            try:
                self._f.close()
            except OSError:
                pass


class ProtocolError(Exception):
    """Bytes on a bridge channel that are not a frame."""


def read_frames(fd):
    """Yields lists of the frames that arrived together (so consecutive submits can be grouped);
    raises ProtocolError on bytes that are not a frame."""
    buf = bytearray()
    while True:
        try:
            chunk = os.read(fd, 1 << 20)
        except OSError:
            return
        if not chunk:
            return
        buf += chunk
        frames = []
        pos = 0
        end = len(buf)
        while end - pos >= 8:
            marker, length = MARKER_LENGTH.unpack_from(buf, pos)
            if marker != MARKER or length < 9 or length > MAX_LENGTH:
                raise ProtocolError("not a frame of the bridge (expected the marker %08x and a length of 9 to %d"
                                    " bytes): %r" % (MARKER, MAX_LENGTH, bytes(buf[pos:pos + 48])))
            if end - pos - 8 < length:
                break
            op, fid = OP_ID.unpack_from(buf, pos + 8)
            frames.append((op, fid, bytes(buf[pos + 17:pos + 8 + length])))
            pos += 8 + length
        if pos:
            del buf[:pos]
        if frames:
            yield frames


def error_name(exc):
    """The name Java sees for a task failure: infrastructure errors raised by run_java carry it."""
    name = type(exc).__name__
    msg = str(exc)
    if isinstance(exc, RuntimeError):
        for prefix in ("JvmDiedError", "JvmProtocolError", "JavaTaskCancelled", "JvmStartError", "JavaNotFound",
                       "BlobMissingError"):
            if msg.startswith(prefix + ": "):
                return prefix, msg[len(prefix) + 2:]
    return name, msg


# ---------------------------------------------------------------------------------- client session


class Session:
    """The client protocol for one Java endpoint: the client JVM (in the sidecar) or an executor JVM
    (nested calls, on a worker). Requests are handled on one session thread; what arrived together
    is handled together, so consecutive submits become one ``client.map``. Each result is followed
    on the client's event loop and the ones that finish together are gathered together, with a
    bounded gather: a gather racing with a worker's death must never block (the future is followed
    again instead; dask/distributed#7996). In the sidecar a watcher fails every pending task at
    once when the scheduler connection is lost."""

    def __init__(self, client, writer, plugin, tag, shims, watch_scheduler):
        self.client = client
        self.writer = writer
        self.plugin = plugin
        self.tag = tag
        self.shims = shims
        self.watch_scheduler = watch_scheduler
        self.futures = {}
        self.blobs = {}
        self.failed_blobs = {}
        self.lock = threading.Lock()
        self.inbox = queue.Queue()
        self.closed = False
        self.close_reason = None
        self.submitted = 0
        self._ready = []
        self._gather_scheduled = False
        self._session_thread = threading.Thread(target=self._run, name="jbridge-session", daemon=True)
        self._session_thread.start()
        if watch_scheduler:
            threading.Thread(target=self._watch_scheduler, name="jbridge-scheduler-watch", daemon=True).start()

    # ------------------------------------------------------------------ inbox

    def feed(self, frames):
        TR and tr("feed %d" % len(frames))
        self.inbox.put(frames)

    def _run(self):
        while True:
            frames = self.inbox.get()
            if frames is None:
                return
            # everything that arrived meanwhile is handled together (groups submits)
            while True:
                try:
                    more = self.inbox.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._handle(frames)
                    return
                frames = frames + more
            try:
                self._handle(frames)
            except BrokenPipeError:
                return
            except Exception:
                log.exception("joblib4j dask bridge: failed to handle a request")

    def _handle(self, frames):
        group = []
        group_opts = None
        for op, fid, payload in frames:
            if op == SUBMIT:
                nrefs = struct.unpack_from(">H", payload, 0)[0]
                pos = 2
                refs = []
                for _ in range(nrefs):
                    refs.append(payload[pos:pos + 32].hex())
                    pos += 32
                (klen,) = struct.unpack_from(">H", payload, pos)
                key = payload[pos + 2:pos + 2 + klen].decode("utf-8")
                pos += 2 + klen
                (olen,) = LENGTH.unpack_from(payload, pos)
                pos += 4
                opts = payload[pos:pos + olen]
                task = payload[pos + olen:]
                if group and opts != group_opts:
                    self._submit(group, group_opts)
                    group = []
                group_opts = opts
                group.append((fid, key, refs, task))
                continue
            if group:
                self._submit(group, group_opts)
                group = []
                group_opts = None
            self._dispatch(op, fid, payload)
        if group:
            self._submit(group, group_opts)

    def _dispatch(self, op, fid, payload):
        if op == CANCEL:
            ids = [struct.unpack_from(">q", payload, i)[0] for i in range(0, len(payload), 8)] or [fid]
            self._cancel(ids)
        elif op == SCATTER:
            self._scatter(fid, payload)
        elif op == RELEASE:
            self._release(payload.decode("ascii").split())
        elif op == INFO:
            self._reply_async(fid, self._info)
        elif op == STATS:
            self._reply_async(fid, self._stats)
        elif op == STATE:
            self._reply_async(fid, self._state)
        elif op == PROBE:
            timeout = json.loads(payload)["timeout"]
            self._reply_async(fid, lambda: self._probe(timeout))
        else:
            log.warning("joblib4j dask bridge: unknown request %s", op)

    # ------------------------------------------------------------------ requests

    def _submit(self, group, opts_json):
        ready = []
        for fid, key, refs, task in group:
            resolved = []
            missing = None
            for sha in refs:
                f = self.blobs.get(sha)
                if f is None:
                    missing = self.failed_blobs.get(sha, "it was released or never scattered")
                    break
                resolved.append([sha, f])
            if missing is not None:
                self.writer.send_json(INFRA_ERROR, fid, {
                    "type": "BlobMissingError",
                    "message": "scattered object %s is not available: %s" % (sha[:16], missing)})
                continue
            ready.append((fid, key, task, resolved))
        if not ready:
            return
        opts = json.loads(opts_json) if opts_json else {}
        opts = {k: v for k, v in opts.items() if k in SUBMIT_OPTIONS and v is not None}
        run_java = self.shims["run_java"]
        try:
            if len(ready) == 1:
                fid, key, task, resolved = ready[0]
                futs = [self.client.submit(run_java, self.plugin, task, resolved, key=key, pure=False, **opts)]
            else:
                futs = self.client.map(
                    run_java,
                    [self.plugin] * len(ready),
                    [r[2] for r in ready],
                    [r[3] for r in ready],
                    key=[r[1] for r in ready],
                    pure=False,
                    **opts)
        except Exception as e:
            name, msg = error_name(e)
            for r in ready:
                self.writer.send_json(INFRA_ERROR, r[0], {"type": name, "message": "could not submit: " + msg})
            return
        TR and tr("submitted %s" % [r[0] for r in ready])
        with self.lock:
            for r, f in zip(ready, futs):
                self.futures[r[0]] = f
            self.submitted += len(ready)
        for r, f in zip(ready, futs):
            self._watch(r[0], f)

    def _cancel(self, ids):
        futs = []
        with self.lock:
            for fid in ids:
                f = self.futures.pop(fid, None)
                if f is not None:
                    futs.append(f)
        if futs:
            try:
                # the workers' plugin sees executing -> released and interrupts the Java task
                self.client.cancel(futs)
            except Exception:
                log.debug("cancel failed", exc_info=True)

    def _scatter(self, fid, payload):
        # the blobs of one request, in one Dask scatter: [sha256 (32)][length (4)][bytes] each
        blobs = {}
        pos = 0
        view = memoryview(payload)
        while pos < len(payload):
            sha = payload[pos:pos + 32].hex()
            (n,) = LENGTH.unpack_from(payload, pos + 32)
            blobs[sha] = bytes(view[pos + 36:pos + 36 + n])
            pos += 36 + n
        keys = {sha: "jblob-%s-%s" % (sha[:32], self.tag) for sha in blobs}
        TR and tr("scatter %s" % ["%s %d bytes" % (sha[:8], len(d)) for sha, d in blobs.items()])
        try:
            futs = self.client.scatter({keys[sha]: d for sha, d in blobs.items()}, broadcast=True, hash=False)
            TR and tr("scattered")
            for sha in blobs:
                self.blobs[sha] = futs[keys[sha]]
                self.failed_blobs.pop(sha, None)
            self.writer.send_json(REPLY, fid, {"keys": list(keys.values())})
        except Exception as e:
            name, msg = error_name(e)
            for sha in blobs:
                self.failed_blobs[sha] = "%s: %s" % (name, msg)
            self.writer.send_json(REPLY_ERROR, fid, {"type": name, "message": "scatter failed: " + msg})

    def _release(self, shas):
        TR and tr("release %s" % [sha[:8] for sha in shas])
        dropped = [sha for sha in shas if self.blobs.pop(sha, None) is not None]
        if not dropped:
            return
        try:
            self.client.run(self.shims["drop_blobs"], self.plugin, dropped, wait=False)
        except Exception:
            log.debug("drop_blobs failed", exc_info=True)

    def _info(self):
        ncores = self.client.ncores()
        return {"workers": {str(k): v for k, v in ncores.items()},
                "nthreads": sum(ncores.values()),
                "scheduler": self.client.scheduler.address}

    def _probe(self, timeout):
        # joblib's probe task: an adaptive cluster provisions workers when work is waiting
        f = self.client.submit(self.shims["probe"], pure=False)
        try:
            f.result(timeout=timeout)
        except Exception as e:
            try:
                self.client.cancel([f])
            except Exception:
                pass
            if "Timeout" in type(e).__name__ or isinstance(e, TimeoutError):
                raise TimeoutError("no worker after %s seconds" % timeout)
            raise
        return self._info()

    def _stats(self):
        out = self.client.run(self.shims["stats"], self.plugin)
        return {str(k): v for k, v in out.items()}

    def _state(self):
        state = self.client.run_on_scheduler(self.shims["state"])
        with self.lock:
            state["client_futures"] = len(self.futures)
        state["client_keys"] = len(self.client.futures)
        state["blobs"] = len(self.blobs)
        return state

    def _reply_async(self, fid, fn):
        def run():
            try:
                result = fn()
                self.writer.send_json(REPLY, fid, result)
            except BrokenPipeError:
                pass
            except Exception as e:
                name, msg = error_name(e)
                try:
                    self.writer.send_json(REPLY_ERROR, fid, {"type": name, "message": msg})
                except BrokenPipeError:
                    pass
        threading.Thread(target=run, name="jbridge-request", daemon=True).start()

    # ------------------------------------------------------------------ results

    def _watch(self, fid, future):
        # followed on the client's event loop: no thread hop between "done", gather and the answer
        self.client.loop.add_callback(self._follow, fid, future)

    async def _follow(self, fid, f):
        import asyncio

        while not self.closed:
            with self.lock:
                if self.futures.get(fid) is not f:
                    return  # cancelled by Java meanwhile
            await f._state.wait()
            st = f.status
            if st == "finished":
                # gathered together with the others that finished in this turn of the loop
                self._ready.append((fid, f))
                if not self._gather_scheduled:
                    self._gather_scheduled = True
                    self.client.loop.add_callback(self._gather_ready)
                return
            if st == "error":
                self._send_error(fid, f._state.exception)
                return
            if st == "cancelled":
                # not asked by Java (that removes it from self.futures first): the client cancels
                # every future when it loses the scheduler, or the scheduler dropped it
                if self.watch_scheduler and getattr(self.client, "status", "running") != "running":
                    self._check_scheduler()
                    return
                if self._forget(fid) is not None:
                    self._send(INFRA_ERROR, fid, json.dumps({
                        "type": "CancelledError",
                        "message": "Dask cancelled %s (was it cancelled by another client, or released by the scheduler?)"
                        % f.key}).encode("utf-8"))
                return
            # lost (its worker died): Dask computes it again; wait for that
            await asyncio.sleep(0.01)

    async def _gather_ready(self):
        import asyncio

        self._gather_scheduled = False
        batch, self._ready = dict(self._ready), []
        if not batch or self.closed:
            return
        try:
            # bounded: a gather racing with a worker's death may wait for a recomputation; it is
            # retried, never left to block (dask/distributed#7996)
            values = await asyncio.wait_for(self.client._gather(batch, errors="skip"), GATHER_TIMEOUT)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.debug("gather of %d results failed; waiting for them again", len(batch), exc_info=True)
            await asyncio.sleep(REQUEUE_DELAY)
            for fid, f in batch.items():
                self.client.loop.add_callback(self._follow, fid, f)
            return
        for fid, f in batch.items():
            v = values.get(fid)
            if v is None:
                # it erred, was cancelled or lost meanwhile: its status says which
                self.client.loop.add_callback(self._follow, fid, f)
                continue
            if self._forget(fid) is None:
                continue
            status, data = v
            self._send(RESULT if status == 0 else TASK_ERROR, fid, data)

    def _send(self, op, fid, data=b""):
        try:
            self.writer.send(op, fid, data)
        except BrokenPipeError:
            self.closed = True

    def _forget(self, fid):
        with self.lock:
            return self.futures.pop(fid, None)

    def _send_error(self, fid, exc):
        if self._forget(fid) is None:
            return
        name, msg = error_name(exc)
        if name in ("JavaTaskCancelled", "CancelledError"):
            self._send(CANCELLED, fid)
            return
        self._send(INFRA_ERROR, fid, json.dumps({"type": name, "message": msg}).encode("utf-8"))

    def _watch_scheduler(self):
        while not self.closed:
            time.sleep(0.25)
            self._check_scheduler()

    def _check_scheduler(self):
        if not self.watch_scheduler or self.closed:
            return
        status = getattr(self.client, "status", "running")
        if status in ("running", "newly-created"):
            return
        self.fail_all("Lost the connection to the Dask scheduler at %s (client status: %s)"
                      % (getattr(self.client, "_start_arg", "?"), status))

    def fail_all(self, reason):
        if self.closed:
            return
        self.closed = True
        self.close_reason = reason
        try:
            self.writer.send_json(CLOSED, 0, {"message": reason})
        except BrokenPipeError:
            pass

    def close(self):
        self.closed = True
        self.inbox.put(None)
        with self.lock:
            futs = list(self.futures.values())
            self.futures.clear()
        if futs:
            try:
                self.client.cancel(futs)
            except Exception:
                pass
        self.blobs.clear()


# ---------------------------------------------------------------------------------- worker side


# an executor JVM's death message that is already complete (others get "JvmDiedError: " before them)
DEATH_PREFIXES = ("JvmStartError: ", "JvmProtocolError: ")


def death_error(death):
    return RuntimeError(death if death.startswith(DEATH_PREFIXES) else "JvmDiedError: " + death)


class JvmProcess:
    """One executor JVM on a Dask worker. On POSIX it speaks the protocol on two pipes of its own,
    passed to it as file descriptors (``-Djoblib4j.dask.channel=IN,OUT``): nothing else it or its
    children write (stdout, native prints, ``-Xlog``, a crash banner) can reach the protocol, since
    Java closes every descriptor above 2 in the processes it starts. Its stdout and stderr are one
    pipe, forwarded to the worker's log. It exits when its input pipe closes."""

    def __init__(self, owner, cmd, cwd, env):
        self.owner = owner
        self.started = time.time()
        if os.name == "posix":
            jvm_in, to_jvm = os.pipe()
            from_jvm, jvm_out = os.pipe()
            cmd = cmd[:1] + ["-Djoblib4j.dask.channel=%d,%d" % (jvm_in, jvm_out)] + cmd[1:]
            try:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                             stderr=subprocess.STDOUT, cwd=cwd, env=env,
                                             pass_fds=(jvm_in, jvm_out))
            except BaseException:
                os.close(to_jvm)
                os.close(from_jvm)
                raise
            finally:
                os.close(jvm_in)
                os.close(jvm_out)
            self.writer = FrameWriter(os.fdopen(to_jvm, "wb"))
            self.channel = from_jvm
            self.output = self.proc.stdout
        else:  # no descriptor passing: the protocol on stdin/stdout, guarded by the frame marker only
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, cwd=cwd, env=env)
            self.writer = FrameWriter(self.proc.stdin)
            self.channel = None
            self.output = self.proc.stderr
        self.pid = self.proc.pid
        self.corrupt = None
        self.lock = threading.Lock()
        self.calls = {}
        self.blobs = set()
        self.next_rid = 1
        self.dead = False
        self.retired = False
        self.death = None
        self.info = None
        self.tail = collections.deque(maxlen=40)
        self.session = None
        threading.Thread(target=self._read, name="jbridge-jvm-reader-%d" % self.pid, daemon=True).start()
        threading.Thread(target=self._pump, name="jbridge-jvm-stderr-%d" % self.pid, daemon=True).start()

    def call(self, payload):
        with self.lock:
            if self.dead:
                raise death_error(self.death or "the executor JVM is gone")
            rid = self.next_rid
            self.next_rid += 1
            q = queue.SimpleQueue()
            self.calls[rid] = q
        try:
            self.writer.send(EXEC, rid, payload)
        except BrokenPipeError:
            pass  # the reader reports the death to q
        return rid, q

    def ensure_blob(self, sha, data):
        with self.lock:
            if sha in self.blobs or self.dead:
                return
            self.blobs.add(sha)
            try:
                self.writer.send(PUT_BLOB, 0, bytes.fromhex(sha), data)
            except BrokenPipeError:
                pass

    def drop_blob(self, sha):
        with self.lock:
            if sha not in self.blobs:
                return
            self.blobs.discard(sha)
        self.send(DROP_BLOB, 0, bytes.fromhex(sha))

    def send(self, op, fid, *parts):
        try:
            self.writer.send(op, fid, *parts)
        except BrokenPipeError:
            pass

    def busy(self):
        with self.lock:
            return bool(self.calls)

    def close(self):
        with self.lock:
            self.retired = True
        self.send(EXIT, 0)
        self.writer.close()

    def _read(self):
        try:
            for frames in read_frames(self.proc.stdout.fileno() if self.channel is None else self.channel):
                for op, fid, payload in frames:
                    if op in (OK, ERR, CANCELLED_EXEC):
                        with self.lock:
                            q = self.calls.pop(fid, None)
                        if q is not None:
                            q.put(("done", op, payload))
                    elif op == SECEDE or op == REJOIN:
                        with self.lock:
                            q = self.calls.get(fid)
                        if q is not None:
                            q.put(("secede" if op == SECEDE else "rejoin", None, None))
                        elif op == REJOIN:
                            self.send(REJOINED, fid)
                    elif op == READY:
                        self.info = json.loads(payload)
                    elif op == IDLE:
                        self.owner.on_idle(self)
                    elif op <= PROBE:
                        self._nested().feed([(op, fid, payload)])
        except ProtocolError as e:
            # its answers can no longer be told apart: every call it holds fails, the next starts a new JVM
            self.corrupt = str(e)
            log.error("joblib4j: the executor JVM %d broke the bridge's protocol; killing it: %s", self.pid, e)
            try:
                self.proc.kill()
            except OSError:
                pass
        finally:
            code = self.proc.wait()
            if self.channel is not None:
                os.close(self.channel)
            with self.lock:
                self.dead = True
                if self.retired:
                    self.death = "the executor JVM was stopped"
                elif self.corrupt is not None:
                    self.death = ("JvmProtocolError: the executor JVM (pid %d) on Dask worker %s sent bytes that are"
                                  " not a frame of the bridge, so it was killed: %s%s") % (
                        self.pid, self.owner.address, self.corrupt, self.tail_text())
                elif self.info is None:
                    self.death = "JvmStartError: the executor JVM (pid %d) on Dask worker %s could not start: it exited with %s%s" % (
                        self.pid, self.owner.address, exit_text(code), self.tail_text())
                else:
                    self.death = "the executor JVM (pid %d) on Dask worker %s exited with %s%s" % (
                        self.pid, self.owner.address, exit_text(code), self.tail_text())
                calls = list(self.calls.values())
                self.calls.clear()
            for q in calls:
                q.put(("died", None, self.death))
            if self.session is not None:
                self.session.close()
            self.owner.on_death(self)

    def tail_text(self):
        lines = [l for l in list(self.tail) if l.strip()]
        if not lines:
            return ""
        return "; its last output:\n" + "\n".join(lines[-15:])

    def _pump(self):
        prefix = "[joblib4j executor JVM %d] " % self.pid
        for raw in iter(self.output.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.tail.append(line)
            try:
                sys.stderr.write(prefix + line + "\n")
                sys.stderr.flush()
            except (OSError, ValueError):
                pass

    def _nested(self):
        if self.session is None:
            client = self.owner.worker._get_client()
            comm = getattr(client, "scheduler_comm", None)
            if comm is not None and hasattr(comm, "interval"):
                comm.interval = 0.001  # as in the sidecar: do not hold each nested task for 10 ms
            self.session = Session(client, self.writer, self.owner.name,
                                   "w%d-%s" % (self.pid, os.urandom(4).hex()), self.owner.shims, False)
        return self.session


def exit_text(code):
    if code is None:
        return "an unknown status"
    if code < 0:
        names = {1: "SIGHUP", 2: "SIGINT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 15: "SIGTERM"}
        return "%s(%d)" % (names.get(-code, "SIG%d" % -code), code)
    return "EXIT(%d)" % code


# A jar used this recently is never pruned: another worker on the host may be starting from it.
JAR_CACHE_GRACE_S = 3600.0
# How often a worker marks the jars of its running executor JVM as used.
JAR_TOUCH_INTERVAL_S = 600.0


def prune_jar_cache(folder, keep, max_age_s, max_bytes, now=None):
    """Deletes the cached jars (and leftover ``.tmp`` files) of ``folder`` that are not in ``keep``:
    those unused for longer than ``max_age_s`` (their modification time is their last use), then
    the least recently used until the folder holds at most ``max_bytes``. A file used within
    ``JAR_CACHE_GRACE_S`` stays. Returns the paths deleted."""
    now = time.time() if now is None else now
    entries = []
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    for name in names:
        if not (name.endswith(".jar") or name.endswith(".tmp")):
            continue
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        if stat.S_ISREG(st.st_mode):
            entries.append((st.st_mtime, st.st_size, path))
    total = sum(size for _, size, _ in entries)
    removed = []
    for mtime, size, path in sorted(entries):
        if path in keep or now - mtime < JAR_CACHE_GRACE_S:
            continue
        if now - mtime > max_age_s or total > max_bytes:
            try:
                os.unlink(path)
            except FileNotFoundError:
                continue
            total -= size
            removed.append(path)
    return removed


def touch(paths):
    for path in paths:
        try:
            os.utime(path)
        except OSError:
            pass


class WorkerImpl:
    """The bridge on one Dask worker: the classpath cache, the executor JVM, and run_java."""

    def __init__(self, name, spec, jars, worker, shims):
        self.name = name
        self.spec = spec
        self.worker = worker
        self.shims = shims
        self.address = getattr(worker, "address", "?")
        self.lock = threading.Lock()
        self.jvm_proc = None
        self.running = {}
        self.tasks = 0
        self.starts = 0
        self.closed = False
        self.pruned = []
        self.classpath = self._classpath(jars)
        self.touched = time.time()
        self.java = self._java()
        if spec.get("eager", True):
            try:
                self.jvm()
            except Exception:
                log.warning("joblib4j: could not start the executor JVM", exc_info=True)

    def _classpath(self, jars):
        if self.spec["mode"] != "ship":
            return self.spec["classpath"]
        base = os.path.join(os.path.dirname(self.worker.local_directory), "jbridge-jars")
        os.makedirs(base, mode=0o700, exist_ok=True)
        os.chmod(base, 0o700)
        paths = []
        for sha, data in jars:
            path = os.path.join(base, sha + ".jar")
            if not (os.path.exists(path) and _sha256_file(path) == sha):
                tmp = "%s.%d.%s.tmp" % (path, os.getpid(), threading.get_ident())
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)
            paths.append(path)
        touch(paths)
        self.pruned = prune_jar_cache(base, set(paths), float(self.spec.get("cache_max_age_s", 7 * 86400)),
                                      int(self.spec.get("cache_max_bytes", 2 ** 31)))
        if self.pruned:
            log.info("joblib4j: pruned %d jars from %s", len(self.pruned), base)
        return os.pathsep.join(paths)

    def _touch_jars(self, now):
        if self.spec["mode"] == "ship" and now - self.touched > JAR_TOUCH_INTERVAL_S:
            self.touched = now
            touch(self.classpath.split(os.pathsep))

    def _no_java(self):
        given = self.spec.get("java") or "java"
        return ("JavaNotFound: there is no Java runtime on Dask worker %s (host %s): %r is not there, no java is"
                " on the worker's PATH and JAVA_HOME is not set. Install a Java 17 or newer runtime on that"
                " host (Debian/Ubuntu: apt-get install openjdk-17-jre-headless), or set"
                " joblib4j.backend.dask.worker-java to its java" % (self.address, socket.gethostname(), given))

    def _java(self):
        java = self.spec.get("java") or "java"
        if os.path.isabs(java) and os.access(java, os.X_OK):
            return java
        found = shutil.which(os.path.basename(java)) or shutil.which("java")
        if found:
            return found
        java_home = os.environ.get("JAVA_HOME")
        if java_home and os.access(os.path.join(java_home, "bin", "java"), os.X_OK):
            return os.path.join(java_home, "bin", "java")
        return java

    def jvm(self):
        with self.lock:
            if self.closed:
                raise RuntimeError("JvmStartError: the joblib4j worker plugin was torn down")
            j = self.jvm_proc
            if j is None or j.dead or j.retired:
                cmd = [self.java] + list(self.spec.get("jvm_opts", [])) + [
                    "-Djoblib4j.dask.worker=" + str(self.address),
                    "-cp", self.classpath, self.spec["main"], str(int(self.spec.get("idle_ms", 600000)))]
                env = dict(os.environ)
                env["JOBLIB4J_DASK_WORKER"] = str(self.address)
                if self.spec["mode"] == "ship":
                    missing = [p for p in self.classpath.split(os.pathsep) if not os.path.isfile(p)]
                    if missing:
                        raise RuntimeError(
                            "JvmStartError: the jar cache of Dask worker %s (host %s) lost %s of this classpath"
                            " (deleted by hand, or by a prune with a grace time shorter than its use): restart"
                            " that worker, or connect once with another classpath-mode"
                            % (self.address, socket.gethostname(), missing[0]))
                try:
                    j = JvmProcess(self, cmd, self.worker.local_directory, env)
                except FileNotFoundError:
                    raise RuntimeError(self._no_java())
                except OSError as e:
                    raise RuntimeError("JvmStartError: could not start the executor JVM %r on Dask worker %s (host %s): %s"
                                       % (self.java, self.address, socket.gethostname(), e))
                if self.spec["mode"] == "ship":
                    self.touched = time.time()
                    touch(self.classpath.split(os.pathsep))
                self.jvm_proc = j
                self.starts += 1
            return j

    def run_java(self, payload, refs):
        from distributed.worker import thread_state
        key = thread_state.key
        j = self.jvm()
        self._touch_jars(time.time())
        for sha, data in refs:
            j.ensure_blob(sha, data)
        TR and tr("run_java start %s" % key)
        rid, q = j.call(payload)
        with self.lock:
            self.running[key] = (j, rid)
            self.tasks += 1
        seceded = False
        try:
            while True:
                kind, op, data = q.get()
                if kind == "done":
                    break
                if kind == "died":
                    raise death_error(data)
                if kind == "secede":
                    if not seceded:
                        from distributed import secede
                        secede()
                        seceded = True
                elif kind == "rejoin":
                    if seceded:
                        from distributed import rejoin
                        rejoin()
                        seceded = False
                    j.send(REJOINED, rid)
        finally:
            with self.lock:
                self.running.pop(key, None)
        TR and tr("run_java end %s" % key)
        if op == OK:
            return (0, data)
        if op == ERR:
            return (1, data)
        raise RuntimeError("JavaTaskCancelled: %s was cancelled" % key)

    def cancel_key(self, key):
        with self.lock:
            entry = self.running.get(key)
        if entry is not None:
            entry[0].send(CANCEL_EXEC, entry[1])

    def drop_blob(self, sha):
        with self.lock:
            j = self.jvm_proc
        if j is not None:
            j.drop_blob(sha)

    def on_idle(self, j):
        with self.lock:
            if j.busy() or j.session is not None and j.session.futures:
                return
            if self.jvm_proc is j:
                self.jvm_proc = None
        j.close()

    def on_death(self, j):
        with self.lock:
            if self.jvm_proc is j:
                self.jvm_proc = None

    def stats(self):
        with self.lock:
            j = self.jvm_proc
            return {
                "worker": str(self.address),
                "worker_pid": os.getpid(),
                "jvm_pid": j.pid if j is not None and not j.dead else None,
                "jvm_started": j.started if j is not None else None,
                "jvm_ready": j.info if j is not None else None,
                "tasks": self.tasks,
                "jvm_starts": self.starts,
                "running": len(self.running),
                "classpath_mode": self.spec["mode"],
                "pruned_jars": list(self.pruned),
                "classpath": self.classpath,
            }

    def close(self):
        with self.lock:
            self.closed = True
            j = self.jvm_proc
            self.jvm_proc = None
        if j is not None:
            j.close()


def _sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
