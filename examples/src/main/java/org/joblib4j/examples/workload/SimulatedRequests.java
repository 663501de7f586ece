package org.joblib4j.examples.workload;

import static org.joblib4j.Parallel.delayed;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Prefer;

/**
 * The I/O-bound workload: requests that each wait for a simulated network latency (no network is
 * used) and return a response size. Waiting costs no CPU, so it wants more threads than cores: it
 * asks for 8 jobs and {@code prefer("threads")}, as joblib's documentation advises for I/O.
 */
public final class SimulatedRequests implements Workload<Long> {
  private final int requests;
  private final int minLatencyMillis;
  private final int maxLatencyMillis;
  private final long seed;

  /**
   * Creates the workload.
   *
   * @param requests the number of tasks
   * @param minLatencyMillis the shortest wait
   * @param maxLatencyMillis the longest wait
   * @param seed the seed of the latencies
   */
  public SimulatedRequests(int requests, int minLatencyMillis, int maxLatencyMillis, long seed) {
    this.requests = requests;
    this.minLatencyMillis = minLatencyMillis;
    this.maxLatencyMillis = maxLatencyMillis;
    this.seed = seed;
  }

  /**
   * One task: waits as a remote server would, then "receives" a response.
   *
   * @param request {@code {id, latency in ms}}
   * @return the response's size in bytes
   */
  static long fetch(int[] request) {
    try {
      Thread.sleep(request[1]); // stands for the network round trip
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("request " + request[0] + " interrupted", e);
    }
    return 512L + request[0] * 37L % 1024;
  }

  @Override
  public String name() {
    return "requests";
  }

  @Override
  public String title() {
    return "I/O-bound: "
        + requests
        + " simulated requests of "
        + minLatencyMillis
        + "-"
        + maxLatencyMillis
        + " ms latency (prefer threads)";
  }

  @Override
  public int tasks() {
    return requests;
  }

  @Override
  public int defaultNJobs() {
    return 8;
  }

  @Override
  public Parallel.Builder configure(Parallel.Builder builder) {
    return builder.prefer(Prefer.THREADS);
  }

  @Override
  public Long run(Parallel parallel) {
    SplittableRandom latencies = new SplittableRandom(seed);
    List<Long> sizes =
        parallel.run(
            IntStream.range(0, requests)
                .mapToObj(
                    i ->
                        delayed(
                            SimulatedRequests::fetch,
                            new int[] {
                              i, latencies.nextInt(minLatencyMillis, maxLatencyMillis + 1)
                            }))
                .collect(Collectors.toList()));
    return sizes.stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public String describe(Long result) {
    return requests + " responses, " + result + " bytes";
  }
}
