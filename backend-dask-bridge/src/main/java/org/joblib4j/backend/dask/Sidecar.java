package org.joblib4j.backend.dask;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.joblib4j.process.ClasspathJars;
import org.joblib4j.process.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Python sidecar of a client JVM: a child process running {@code jbridge_sidecar.py} (started
 * by {@code jbridge_boot.py}, which checks the files' hashes) with the configured interpreter,
 * which drives the official {@code dask.distributed.Client}. It reads framed requests on its stdin
 * and answers on its stdout; its stderr goes to the log. It exits when its stdin closes, so it
 * never outlives this JVM.
 */
final class Sidecar implements DaskSession.Transport {
  private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);
  private static final Logger PY_LOG = LoggerFactory.getLogger("org.joblib4j.backend.dask.sidecar");
  static final String EXECUTOR_MARK = "[joblib4j executor JVM";

  private final Process process;
  private final DataOutputStream out;
  private final DataInputStream in;
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final String python;
  private volatile boolean closing;
  private DaskSession session;
  private Thread pump;

  private Sidecar(Process process, String python) {
    this.process = process;
    this.python = python;
    this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
    this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
  }

  /**
   * Starts a sidecar, connects it and registers the worker plugin.
   *
   * @param o the options
   * @return the connected session
   * @throws DaskUnavailableException when Python or Dask is missing
   * @throws DaskException when the scheduler cannot be reached
   */
  static DaskSession start(DaskOptions o) {
    Path dir = PythonResources.folder();
    Map<String, Object> hello = hello(o);
    ProcessBuilder pb = new ProcessBuilder(PythonResources.command(o.python, dir));
    pb.directory(dir.toFile());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new DaskUnavailableException(
          "Please install Python 3 with dask.distributed to use the 'dask' backend: the interpreter '"
              + o.python
              + "' cannot be started ("
              + e.getMessage()
              + "). On Debian or Ubuntu: sudo apt-get install python3-distributed python3-cryptography"
              + " (they bring /usr/bin/python3),"
              + " or set joblib4j.backend.dask.python to an interpreter that has it.",
          e);
    }
    Sidecar s = new Sidecar(p, o.python);
    Thread pump = new Thread(s::pumpStderr, "joblib4j-dask-sidecar-log-" + p.pid());
    pump.setDaemon(true);
    pump.start();
    s.pump = pump;
    CompletableFuture<Frame> first = new CompletableFuture<>();
    Thread reader = new Thread(() -> s.read(first), "joblib4j-dask-sidecar-reader-" + p.pid());
    reader.setDaemon(true);
    try {
      s.send(Protocol.HELLO, 0, Json.write(hello).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // the process died at once: reported through the handshake below
    }
    reader.start();
    Duration wait = o.startupTimeout.plus(o.connectTimeout);
    Frame f;
    try {
      f = first.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      s.kill();
      throw new java.util.concurrent.CancellationException(
          "interrupted while starting the Dask sidecar");
    } catch (TimeoutException e) {
      s.kill();
      throw new DaskException(
          "Timeout",
          "The Dask sidecar did not connect to "
              + o.describeScheduler()
              + " within "
              + wait.toSeconds()
              + " s (joblib4j.backend.dask.startup-timeout)."
              + s.tailText());
    } catch (ExecutionException e) {
      s.kill();
      throw s.startFailure(o, e.getCause());
    }
    if (f == null || f.type() != Protocol.WELCOME) {
      s.kill();
      throw s.handshakeError(o, f);
    }
    Map<String, Object> welcome = Json.object(new String(f.payload(), StandardCharsets.UTF_8));
    String description =
        "the Dask scheduler "
            + welcome.get("scheduler")
            + " ("
            + o.describeScheduler()
            + ", sidecar pid "
            + p.pid()
            + ")";
    // a private local cluster's workers are this JVM's own children on this host
    DaskSession session =
        new DaskSession(s, description, welcome, o.kind == DaskOptions.SchedulerKind.LOCAL);
    synchronized (s) {
      s.session = session;
      s.notifyAll();
    }
    LOG.debug("Connected to {}: {}", description, welcome);
    if (welcome.get("shipped") instanceof Map) {
      Map<?, ?> shipped = (Map<?, ?>) welcome.get("shipped");
      // the first client of a classpath waits for this upload: say why, and how big it was
      LOG.info(
          "Sent the classpath to the Dask workers of {}: {} jars, {} (once per classpath and worker"
              + " options: workers keep the jars in their jar cache, and a later client with the same"
              + " classpath and options sends nothing)",
          welcome.get("scheduler"),
          shipped.get("jars"),
          String.format(Locale.ROOT, "%.1f MB", ((Number) shipped.get("bytes")).longValue() / 1e6));
    }
    return session;
  }

  private static Map<String, Object> hello(DaskOptions o) {
    Map<String, Object> h = new LinkedHashMap<>();
    Map<String, Object> sched = new LinkedHashMap<>();
    switch (o.kind) {
      case LOCAL:
        sched.put("kind", "local");
        sched.put("workers", o.localWorkers);
        sched.put("threads", o.localThreads);
        break;
      case FILE:
        sched.put("kind", "file");
        sched.put("path", Path.of(o.address).toAbsolutePath().toString());
        break;
      default:
        sched.put("kind", "address");
        sched.put("address", o.address);
    }
    h.put("scheduler", sched);
    if (o.tlsCa != null) {
      Map<String, Object> tls = new LinkedHashMap<>();
      tls.put("ca", abs(o.tlsCa));
      tls.put("cert", o.tlsCert == null ? null : abs(o.tlsCert));
      tls.put("key", o.tlsKey == null ? null : abs(o.tlsKey));
      tls.put("require", o.requireEncryption);
      h.put("tls", tls);
    }
    h.put("local_tls", o.localTls);
    h.put("connect_timeout", Math.max(1, o.connectTimeout.toSeconds()));
    h.put("send_interval", o.sendInterval.toNanos() / 1e9);
    h.put("dask_config", o.daskConfig);
    h.put("session", UUID.randomUUID().toString().substring(0, 8));
    Map<String, Object> plugin = new LinkedHashMap<>();
    plugin.put("mode", o.ship ? "ship" : "shared");
    if (o.ship) {
      List<Object> jars = new ArrayList<>();
      ClasspathJars shipper = DaskFolders.classpathJars();
      List<ClasspathJars.Jar> shipped = shipper.jars(o.classpath);
      for (ClasspathJars.Jar j : shipped) {
        jars.add(List.of(j.path().toString(), j.sha256()));
      }
      shipper.prune(shipped, o.jarCacheMaxAge, o.jarCacheMaxBytes);
      plugin.put("jars", jars);
      plugin.put("cache_max_age_s", o.jarCacheMaxAge.toSeconds());
      plugin.put("cache_max_bytes", o.jarCacheMaxBytes);
    } else {
      plugin.put("classpath", o.classpath);
    }
    plugin.put("java", o.workerJava);
    plugin.put("jvm_opts", o.workerJvmOptions);
    plugin.put("main", ExecutorMain.class.getName());
    plugin.put("eager", o.eager);
    plugin.put("idle_ms", o.workerIdleTimeout.toMillis());
    h.put("plugin", plugin);
    return h;
  }

  private static String abs(String f) {
    return Path.of(f).toAbsolutePath().toString();
  }

  private RuntimeException handshakeError(DaskOptions o, Frame f) {
    if (f == null) {
      // it exited: let the log pump read its last words first
      try {
        process.waitFor(2, TimeUnit.SECONDS);
        pump.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String text = tailText();
      if (text.contains("No module named")) {
        return missingDask(o, "the sidecar failed to import it", null);
      }
      return new DaskException(
          "SidecarExited",
          "The Dask sidecar (" + python + ") exited before connecting" + exitText() + "." + text);
    }
    Map<String, Object> m = Json.object(new String(f.payload(), StandardCharsets.UTF_8));
    String type = String.valueOf(m.get("type"));
    if (type.equals("MissingDask")) {
      return missingDask(o, m.get("message") + ", Python " + m.get("version"), null);
    }
    if (type.equals("MissingCryptography")) {
      return new DaskUnavailableException(
          "The private local Dask cluster is secured with ephemeral mutual TLS (Dask's Security.temporary()),"
              + " which needs the cryptography package: "
              + o.python
              + " cannot import it ("
              + m.get("message")
              + "). On Debian or Ubuntu: sudo apt-get install python3-cryptography. Or set"
              + " joblib4j.backend.dask.local-tls=false to accept that every local user can run code in the"
              + " cluster.",
          null);
    }
    return new DaskException(
        "ConnectError",
        "Could not connect to the Dask scheduler at "
            + o.describeScheduler()
            + ": "
            + type
            + ": "
            + m.get("message")
            + (o.tlsCa != null ? " (TLS: CA " + o.tlsCa + ", certificate " + o.tlsCert + ")" : ""));
  }

  private RuntimeException startFailure(DaskOptions o, Throwable cause) {
    return new DaskException(
        "SidecarExited", "The Dask sidecar failed while starting: " + cause + tailText(), cause);
  }

  private static DaskUnavailableException missingDask(
      DaskOptions o, String detail, Throwable cause) {
    return new DaskUnavailableException(
        "Please install dask.distributed to use the 'dask' backend: "
            + o.python
            + " cannot import it ("
            + detail
            + "). On Debian or Ubuntu: sudo apt-get install python3-distributed python3-cryptography, on this machine"
            + " and on every"
            + " Dask worker host (worker hosts also need a Java runtime: openjdk-17-jre-headless). Another"
            + " interpreter can be chosen with joblib4j.backend.dask.python.",
        cause);
  }

  // ------------------------------------------------------------------ transport

  @Override
  public void send(int op, long id, byte[]... parts) throws IOException {
    synchronized (out) {
      Protocol.write(out, op, id, parts);
    }
  }

  private void read(CompletableFuture<Frame> first) {
    Throwable failure = null;
    try {
      Frame f = Protocol.read(in);
      first.complete(f);
      if (f == null || f.type() != Protocol.WELCOME) {
        return;
      }
      DaskSession s;
      synchronized (this) {
        while (session == null && !closing) {
          wait(100);
        }
        s = session;
      }
      if (s == null) {
        return;
      }
      while ((f = Protocol.read(in)) != null) {
        s.onFrame(f);
      }
    } catch (IOException | RuntimeException e) {
      failure = e;
      first.completeExceptionally(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    DaskSession s;
    synchronized (this) {
      s = session;
    }
    if (s != null && !closing) {
      try {
        process.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      s.died(
          new DaskException(
              "SidecarExited",
              "The Dask sidecar (pid "
                  + process.pid()
                  + ") exited"
                  + exitText()
                  + (failure != null ? " (" + failure + ")" : "")
                  + "; every pending task of the dask backend failed. The next call starts a new one."
                  + tailText()));
    }
  }

  private void pumpStderr() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 60) {
            tail.removeFirst();
          }
        }
        if (line.startsWith(EXECUTOR_MARK)) {
          PY_LOG.info("{}", line);
        } else if (line.contains(" - ERROR - ")
            || line.contains(" - CRITICAL - ")
            || line.startsWith("Traceback")) {
          PY_LOG.warn("{}", line);
        } else {
          PY_LOG.debug("{}", line);
        }
      }
    } catch (IOException e) {
      // the sidecar is gone
    }
  }

  String tailText() {
    List<String> lines;
    synchronized (tail) {
      lines = new ArrayList<>(tail);
    }
    lines.removeIf(String::isBlank);
    if (lines.isEmpty()) {
      return "";
    }
    int from = Math.max(0, lines.size() - 25);
    return " Last lines of its log:\n  " + String.join("\n  ", lines.subList(from, lines.size()));
  }

  private String exitText() {
    try {
      if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
        return " with code " + process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "";
  }

  /**
   * Sends SHUTDOWN, closes stdin and waits (bounded) for the sidecar and its private cluster to
   * end.
   */
  @Override
  public void close() {
    closing = true;
    try {
      send(Protocol.SHUTDOWN, 0);
    } catch (IOException e) {
      // already gone
    }
    try {
      out.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        LOG.warn(
            "The Dask sidecar (pid {}) did not exit within 20 s of its shutdown; killing it",
            process.pid());
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  /** Kills the sidecar and its descendants (a private cluster's processes). */
  void kill() {
    closing = true;
    List<ProcessHandle> tree = new ArrayList<>();
    process.descendants().forEach(tree::add);
    process.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    synchronized (this) {
      notifyAll();
    }
  }
}
