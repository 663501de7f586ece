package org.joblib4j.backend.ray;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.joblib4j.Parallel;

/**
 * A JVM of its own for {@link RayEmbeddedHeadLifetimeTest}.
 *
 * <ul>
 *   <li>{@code head <report>}: starts the embedded head with one call, writes what it started
 *       (address, folder, every process of its tree) to {@code report}, then waits to be killed;
 *   <li>{@code connect <address> <classpath-mode>}: a driver connecting to that head, printing how
 *       it ended.
 * </ul>
 */
public final class EmbeddedHeadChild {
  private EmbeddedHeadChild() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("connect")) {
      try {
        List<Integer> r =
            Parallel.builder()
                .backend("ray", Map.of("address", args[1], "classpath-mode", args[2]))
                .nJobs(1)
                .build()
                .map(RayTestSupport::square, List.of(3));
        System.out.println("ACCEPTED " + r);
      } catch (Throwable t) {
        StringBuilder sb = new StringBuilder("REFUSED");
        for (Throwable c = t; c != null; c = c.getCause()) {
          sb.append(" | ").append(String.valueOf(c).replace("\n", " \\n "));
        }
        System.out.println(sb);
      }
      System.out.flush();
      Runtime.getRuntime().halt(0);
    }
    List<Integer> r =
        Parallel.builder()
            .backend("ray")
            .nJobs(2)
            .build()
            .map(RayTestSupport::square, List.of(1, 2, 3));
    EmbeddedHead head = RayRuntime.current().head();
    List<String> lines = new ArrayList<>();
    lines.add("result " + r);
    lines.add("address " + head.address());
    lines.add("dir " + head.dir());
    ProcessHandle.current()
        .descendants()
        .forEach(h -> lines.add("pid " + h.pid() + " " + h.info().commandLine().orElse("?")));
    Path report = Path.of(args[1]);
    Path tmp = Path.of(args[1] + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, report, StandardCopyOption.ATOMIC_MOVE);
    new CountDownLatch(1).await(); // until SIGKILL
  }
}
