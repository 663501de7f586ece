package com.example.joblib4j.executor;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Where the application hands over the pools it owns (a container-managed {@code
 * ManagedExecutorService}, a pool shared with its web server...), by name, so the {@code
 * managed-executor} backend can run {@code Parallel} tasks on them.
 *
 * <pre>{@code
 * ManagedExecutors.register("default", applicationPool);
 * // joblib4j.properties: joblib4j.backend=managed-executor
 * }</pre>
 */
public final class ManagedExecutors {
  private static final Map<String, ExecutorService> POOLS = new ConcurrentHashMap<>();

  private ManagedExecutors() {}

  /**
   * Makes a pool available to the backend. The application keeps owning it: the backend never shuts
   * it down.
   *
   * @param name the name the backend's {@code executor} option refers to
   * @param pool the pool
   */
  public static void register(String name, ExecutorService pool) {
    POOLS.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(pool, "pool"));
  }

  /**
   * Forgets a pool.
   *
   * @param name its name
   */
  public static void unregister(String name) {
    POOLS.remove(name);
  }

  static ExecutorService get(String name) {
    ExecutorService pool = POOLS.get(name);
    if (pool == null) {
      throw new IllegalStateException(
          "No ExecutorService is registered as '"
              + name
              + "' for the managed-executor backend: call"
              + " ManagedExecutors.register(\""
              + name
              + "\", pool) at start-up, or set"
              + " joblib4j.backend.managed-executor.executor to a registered name. Registered: "
              + POOLS.keySet());
    }
    return pool;
  }
}
