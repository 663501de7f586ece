package org.joblib4j.backend.multiprocessing;

import static org.joblib4j.Parallel.delayed;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.Prefer;
import org.joblib4j.tck.support.LogCapture;

/**
 * Run as a child JVM where worker JVMs cannot be started: names loky, multiprocessing and loky
 * again, and prints on stdout what each call used, the warnings and whether a process was started.
 */
public final class NoWorkerJvmsMain {
  private NoWorkerJvmsMain() {}

  public static void main(String[] args) {
    List<String> out = new ArrayList<>();
    try (LogCapture log = LogCapture.parallelWarnings()) {
      for (String name : List.of("loky", "multiprocessing", "loky")) {
        Parallel p = Parallel.builder().backend(name).nJobs(2).build();
        List<Long> pids = p.run(IntStream.range(0, 4).mapToObj(i -> delayed(MpTestSupport::pid)));
        out.add(
            name
                + " -> "
                + p.backendName()
                + ", n_jobs "
                + p.effectiveNJobs()
                + ", ran in "
                + (pids.stream().allMatch(pid -> pid == MpTestSupport.pid())
                    ? "this JVM"
                    : "other JVMs " + pids));
      }
      out.add("default -> " + Parallel.builder().build().backendName());
      out.add(
          "prefer processes -> "
              + Parallel.builder().prefer(Prefer.PROCESSES).build().backendName());
      out.add(
          "child processes: " + ProcessHandle.current().children().collect(Collectors.toList()));
      log.warnings().forEach(w -> out.add("WARN " + w));
    }
    out.forEach(line -> System.out.println("RESULT " + line));
  }
}
