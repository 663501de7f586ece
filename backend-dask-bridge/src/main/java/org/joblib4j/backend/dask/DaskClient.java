package org.joblib4j.backend.dask;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.joblib4j.spi.BackendContext;

/**
 * A look at the Dask cluster behind the {@code dask} backend, through the same shared connection
 * {@code Parallel} uses: its workers, the executor JVMs on them, and the scheduler's task table.
 *
 * <pre>{@code
 * DaskClient c = DaskClient.connect(Map.of("scheduler", "tcp://10.0.0.5:8786"));
 * c.workers();   // {tcp://10.0.0.7:40123=4, ...}
 * }</pre>
 */
public final class DaskClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final DaskSession session;

  private DaskClient(DaskSession session) {
    this.session = session;
  }

  /**
   * Connects (or reuses the connection) with the given {@code dask} backend options.
   *
   * @param options the options, as for {@code backend("dask", options)}
   * @return the client
   */
  public static DaskClient connect(Map<String, ?> options) {
    return new DaskClient(DaskSessions.get(DaskOptions.of(new BackendContext("dask", options))));
  }

  /**
   * The scheduler's address.
   *
   * @return for example {@code tcp://127.0.0.1:40415}
   */
  public String schedulerAddress() {
    return String.valueOf(session.welcome().get("scheduler"));
  }

  /**
   * The Dask version of the client side.
   *
   * @return for example {@code 2022.12.1+ds.1}
   */
  public String daskVersion() {
    return String.valueOf(session.welcome().get("dask"));
  }

  /**
   * The name of the worker plugin that holds this classpath's executor JVMs.
   *
   * @return {@code jbridge-<hash>}
   */
  public String pluginName() {
    return String.valueOf(session.welcome().get("plugin"));
  }

  /**
   * The pid of the Python sidecar.
   *
   * @return the pid, or -1 inside an executor JVM
   */
  public long sidecarPid() {
    Object pid = session.welcome().get("pid");
    return pid instanceof Number ? ((Number) pid).longValue() : -1;
  }

  /**
   * The workers and their threads, now.
   *
   * @return address to number of threads
   */
  public Map<String, Integer> workers() {
    Map<String, Object> info = session.call(Protocol.INFO, null, TIMEOUT);
    Map<String, Integer> out = new LinkedHashMap<>();
    @SuppressWarnings("unchecked")
    Map<String, Object> w = (Map<String, Object>) info.get("workers");
    w.forEach((k, v) -> out.put(k, ((Number) v).intValue()));
    return out;
  }

  /**
   * The executor JVM of this classpath on each worker: {@code worker}, {@code worker_pid}, {@code
   * jvm_pid}, {@code tasks}, {@code jvm_starts}, {@code classpath_mode}, {@code classpath}.
   *
   * @return one map per worker that has the plugin
   */
  public List<Map<String, Object>> executors() {
    Map<String, Object> stats = session.call(Protocol.STATS, null, TIMEOUT);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object v : stats.values()) {
      if (v instanceof Map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        out.add(m);
      }
    }
    return out;
  }

  /**
   * The scheduler's state: {@code tasks} (keys it holds now), {@code log_keys} (keys in its
   * transition log), {@code plugins}, {@code workers}, {@code clients}; and this client's {@code
   * client_futures}, {@code client_keys} and {@code blobs}.
   *
   * @return the state
   */
  public Map<String, Object> schedulerState() {
    return session.call(Protocol.STATE, null, TIMEOUT);
  }

  /**
   * How many scattered objects this client holds on the cluster now.
   *
   * @return the count
   */
  public int scatteredNow() {
    return session.blobCount();
  }

  /**
   * How many objects this client has scattered (broadcast) so far, explicitly or automatically.
   *
   * @return the count
   */
  public long scatterCount() {
    return session.scatterCount();
  }

  /**
   * How many bytes of scattered values this client has sent so far (on a private local cluster, a
   * large primitive array inside one travels as a memory-mapped file and counts only its name).
   *
   * @return the bytes
   */
  public long scatteredBytes() {
    return session.scatteredBytes();
  }

  /**
   * Whether the connection is gone (sidecar or scheduler lost); the next call makes a new one.
   *
   * @return true once lost
   */
  public boolean isClosed() {
    return session.isDead();
  }

  /**
   * Closes the connection for every user of it: the sidecar exits, and a private local cluster with
   * it.
   */
  public void close() {
    DaskSessions.close(session);
  }
}
