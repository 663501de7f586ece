"""joblib4j's Dask sidecar: one per Java client process.

Started by the JVM through ``jbridge_boot.py`` (``python3 -c``, which checks every file's hash); speaks framed messages on stdin/stdout
(see jbridge_core.py) and drives the official ``dask.distributed.Client``. It exits when its stdin
closes (the JVM is gone), on SHUTDOWN, or when the connection to the scheduler is lost (after
failing every pending task). A private local cluster (scheduler ``local[:N]``) lives and dies
with it.

Everything runs under ``main()``: nothing may happen on import.
"""

import hashlib
import json
import os
import sys
import threading
import time


def main():
    out_fd = os.dup(1)
    os.dup2(2, 1)  # stray prints of any library go to stderr, never into the protocol
    sys.stdout = sys.stderr
    import jbridge_core as core

    writer = core.FrameWriter(os.fdopen(out_fd, "wb"))
    frames = core.read_frames(0)
    try:
        first = next(frames)
    except StopIteration:
        return 0
    except core.ProtocolError as e:
        sys.stderr.write("joblib4j dask sidecar: %s\n" % e)
        return 2
    op, _, payload = first[0]
    if op != core.HELLO:
        writer.send_json(core.REPLY_ERROR, 0, {"type": "ProtocolError", "message": "expected HELLO, got %d" % op})
        return 2
    hello = json.loads(payload)
    try:
        import cloudpickle  # noqa: F401
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as e:
        writer.send_json(core.REPLY_ERROR, 0, {
            "type": "MissingDask", "message": str(e), "python": sys.executable,
            "version": sys.version.split()[0]})
        return 3
    try:
        client, cluster, welcome, plugin = connect(core, hello)
    except Exception as e:
        writer.send_json(core.REPLY_ERROR, 0, {"type": type(e).__name__, "message": str(e) or repr(e)})
        return 4

    import jbridge_shim as shim

    shims = {"run_java": shim.run_java, "drop_blobs": shim.drop_blobs, "stats": shim.stats,
             "probe": shim.probe, "state": shim.state}
    session = core.Session(client, writer, plugin, hello.get("session") or os.urandom(4).hex(), shims,
                           watch_scheduler=cluster is None)

    def on_closed():
        # the scheduler is gone: Java has been told (CLOSED); nothing else can be done here
        time.sleep(0.05)
        os._exit(5)

    def watch():
        while not session.closed:
            time.sleep(0.1)
        if session.close_reason:
            on_closed()

    threading.Thread(target=watch, name="jbridge-watch", daemon=True).start()
    writer.send_json(core.WELCOME, 0, welcome)
    try:
        for batch in frames:
            rest = [f for f in batch if f[0] != core.SHUTDOWN]
            if rest:
                session.feed(rest)
            if len(rest) != len(batch):
                break
    except core.ProtocolError as e:
        sys.stderr.write("joblib4j dask sidecar: %s\n" % e)
    # stdin closed or SHUTDOWN: the client goes, and a private cluster with it
    session.close()
    try:
        client.close(timeout=5)
    except Exception:
        pass
    if cluster is not None:
        try:
            cluster.close(timeout=10)
        except Exception:
            pass
    return 0


def security(hello):
    from distributed.security import Security

    tls = hello.get("tls")
    if not tls:
        if hello["scheduler"]["kind"] == "local" and hello.get("local_tls", True):
            # a private cluster's ports are open to every local user, and a Dask port runs any
            # code it is sent: ephemeral mutual TLS (a key and certificate in memory, for this
            # cluster only) lets in only this client and its own workers
            try:
                return Security.temporary()
            except ImportError as e:
                raise MissingCryptography(str(e)) from e
        return None

    kwargs = {"tls_ca_file": tls["ca"], "require_encryption": bool(tls.get("require", True))}
    if tls.get("cert"):
        kwargs["tls_client_cert"] = tls["cert"]
        kwargs["tls_client_key"] = tls.get("key")
    if hello["scheduler"]["kind"] == "local":
        for role in ("scheduler", "worker"):
            kwargs["tls_%s_cert" % role] = tls["cert"]
            kwargs["tls_%s_key" % role] = tls.get("key")
    return Security(**kwargs)


class MissingCryptography(Exception):
    """Security.temporary() needs the cryptography package (Debian: python3-cryptography)."""


def fast_streams(scheduler):
    """A private local cluster only: the scheduler batches its messages to each worker every 5 ms;
    with tasks of a few milliseconds that interval is most of a round trip. 1 ms here, for current
    workers and for workers that restart."""
    try:
        from distributed.diagnostics.plugin import SchedulerPlugin

        class FastStreams(SchedulerPlugin):
            name = "jbridge-fast-streams"

            def add_worker(self, scheduler=None, worker=None):
                stream = scheduler.stream_comms.get(worker)
                if stream is not None and hasattr(stream, "interval"):
                    stream.interval = 0.001

        scheduler.add_plugin(FastStreams())
        for stream in scheduler.stream_comms.values():
            if hasattr(stream, "interval"):
                stream.interval = 0.001
    except Exception:  # an internal detail of Dask: without it, only slower
        pass


# A private cluster shares the caller's CPUs: Dask's sampling profiler (every 10 ms in each
# worker), its event-loop health tick (20 ms) and its monitors (0.1 s, 0.5 s) kept ~12% of a CPU
# busy while the cluster idled (2 workers, measured), time the tasks lose. Clusters the bridge
# connects to keep their own settings.
QUIET_LOCAL_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "500ms",
}


def skip_computation_code(dask):
    """Dask's client reads the source of the code that called ``submit`` for its dashboard, on
    every call (``inspect.getsource``, which tokenizes the caller's function: 14% of the sidecar's
    CPU in a sampled run of small tasks). Here the caller is always this bridge, whose source tells
    a user nothing: with its frames and its threads' ignored, Dask finds no caller and skips it."""
    key = "distributed.diagnostics.computations.ignore-modules"
    ignored = list(dask.config.get(key, None) or [])
    dask.config.set({key: ignored + [m for m in ("jbridge", "threading") if m not in ignored]})


def connect(core, hello):
    import cloudpickle
    import dask
    import distributed
    from distributed import Client

    import jbridge_shim as shim

    cloudpickle.register_pickle_by_value(shim)
    sched = hello["scheduler"]
    if sched["kind"] == "local":
        # before the user's dask-config, which wins; the nannies pass the config to the workers
        dask.config.set(QUIET_LOCAL_CLUSTER)
    if hello.get("dask_config"):
        dask.config.set(hello["dask_config"])
    skip_computation_code(dask)
    sec = security(hello)
    timeout = hello.get("connect_timeout", 10)
    cluster = None
    if sched["kind"] == "local":
        import logging

        from distributed import LocalCluster

        kwargs = dict(n_workers=sched["workers"], threads_per_worker=sched.get("threads", 1), processes=True,
                      host="127.0.0.1", dashboard_address="127.0.0.1:0",
                      worker_dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
        if sec is not None:
            kwargs.update(security=sec, protocol="tls://")
        cluster = LocalCluster(**kwargs)
        fast_streams(cluster.scheduler)
        # the workers are on loopback: results come straight from them, not through the scheduler
        client = Client(cluster, set_as_default=False, security=sec, timeout=timeout, direct_to_workers=True)
    elif sched["kind"] == "file":
        client = Client(scheduler_file=sched["path"], set_as_default=False, security=sec, timeout=timeout)
    else:
        client = Client(sched["address"], set_as_default=False, security=sec, timeout=timeout)

    interval = hello.get("send_interval")
    comm = getattr(client, "scheduler_comm", None)
    if interval is not None and comm is not None and hasattr(comm, "interval"):
        # the client batches its messages to the scheduler every 10 ms by default: each task would
        # wait for that; the sidecar already groups bursts of submissions into one message
        comm.interval = float(interval)
    # the bytes jbridge_boot.py checked and ran, never the files again
    core_source = core.__jbridge_source__.decode("utf-8")
    shim_source = shim.__jbridge_source__
    spec = dict(hello["plugin"])
    identity = {
        "spec": {k: v for k, v in spec.items() if k != "jars"},
        "jars": [sha for _, sha in spec.get("jars", [])],
        "core": hashlib.sha256(core_source.encode("utf-8")).hexdigest(),
        "shim": hashlib.sha256(shim_source).hexdigest(),
    }
    name = "jbridge-" + hashlib.sha256(json.dumps(identity, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    registered = False
    shipped = None
    # registering an existing name would restart every executor JVM: check first
    if not client.run_on_scheduler(shim.has_plugin, name):
        jars = []
        if spec["mode"] == "ship":
            for path, sha in spec["jars"]:
                with open(path, "rb") as f:
                    jars.append((sha, f.read()))
            shipped = {"jars": len(jars), "bytes": sum(len(data) for _, data in jars)}
        client.register_worker_plugin(shim.JBridgePlugin(name, spec, jars, core_source), name=name)
        registered = True
    ncores = client.ncores()
    welcome = {
        "plugin": name,
        "registered": registered,
        "shipped": shipped,
        "workers": {str(k): v for k, v in ncores.items()},
        "nthreads": sum(ncores.values()),
        "scheduler": client.scheduler.address,
        "dask": distributed.__version__,
        "python": sys.version.split()[0],
        "pid": os.getpid(),
    }
    return client, cluster, welcome, name
