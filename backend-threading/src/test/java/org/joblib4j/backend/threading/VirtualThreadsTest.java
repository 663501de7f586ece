package org.joblib4j.backend.threading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.joblib4j.Parallel;
import org.joblib4j.ParallelConfigurationException;
import org.junit.jupiter.api.Test;

/** The threading backend's virtual=true option (JDK 21+). */
class VirtualThreadsTest {
  private static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  @Test
  void virtualThreadsNeedJava21() {
    if (Runtime.version().feature() >= 21) {
      List<String> names =
          Parallel.builder()
              .backend("threading", java.util.Map.of("virtual", true))
              .nJobs(4)
              .build()
              .map(x -> Thread.currentThread().toString(), upTo(8));
      assertThat(names).allSatisfy(n -> assertThat(n).startsWith("VirtualThread"));
      return;
    }
    assertThatThrownBy(
            () ->
                Parallel.builder().backend("threading", java.util.Map.of("virtual", true)).build())
        .isInstanceOf(ParallelConfigurationException.class)
        .hasMessage(
            "The threading backend's option virtual=true needs Java 21 or later (virtual threads); this JVM is Java "
                + Runtime.version().feature()
                + ". Run on Java 21+, or remove joblib4j.backend.threading.virtual.");
  }

  @Test
  void virtualThreadsRunOnJava25() throws Exception {
    Path java25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    assertThat(Files.isExecutable(java25))
        .as("the JDK 25 this machine ships, to run virtual threads")
        .isTrue();
    Process p =
        new ProcessBuilder(
                java25.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                VirtualMain.class.getName())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).endsWith("virtual=8 results=[0, 1, 4, 9, 16, 25, 36, 49]");
  }

  /** Runs in a JDK 25 child: eight tasks on virtual threads. */
  public static final class VirtualMain {
    public static void main(String[] args) throws IOException {
      List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Integer> r =
          Parallel.builder()
              .backend("threading", java.util.Map.of("virtual", true))
              .nJobs(4)
              .build()
              .map(
                  x -> {
                    threads.add(Thread.currentThread().toString());
                    return x * x;
                  },
                  upTo(8));
      long virtual = threads.stream().filter(t -> t.startsWith("VirtualThread")).count();
      System.out.println("virtual=" + virtual + " results=" + r);
    }
  }
}
