package org.joblib4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ComparisonMarkdownTest {

  @Test
  void rendersTheWholeDocument() {
    assertThat(ComparisonMarkdown.document(ComparisonFixture.report()))
        .isEqualTo(
            """
            # joblib4j compared: every backend vs ExecutorService, parallel streams and joblib

            - Date: 2026-11-26 10:00 UTC
            - CPU: AMD EPYC; 2 logical CPUs in /proc/cpuinfo, 2 available to the JVM
            - RAM: 23.5 GiB
            - JDK: OpenJDK 17; GC: G1; JVM arguments: (none)
            - OS: Debian 12
            - Python: `/usr/bin/python3` 3.11.2, joblib 1.2.0
            - Command: `java -jar joblib4j-benchmarks.jar`
            - Method: medians.
            - Other processes' CPU use while each phase ran (machine busy time in /proc/stat minus \
            this JVM's and its children's): Java 0.00 CPUs

            | implementation | no-op, 1,000 tasks: tasks/s | CPU-bound, 4 × 20 ms: speed-up \
            | one call of 10 no-op tasks: latency |
            |---|---:|---:|---:|
            | Java `executor` — **baseline** | 500,000 (1.00×) | 1.60 (1.00×) | 1.0 ms (1.00×) |
            | joblib4j `loky` | 100,000 (0.20×) | 2.00 (1.25×) | 4.0 ms (0.25×) |
            | Java plain loop | — | 1.00 | — |
            | joblib4j `ray` — *not run: RAY_DIST_JAR is not set* | — | — | — |

            In parentheses: × the baseline (Java `executor`): the row's throughput, speed-up or \
            calls per second divided by the baseline's; above 1× is better. *Speed-up* = the same \
            language's plain loop's median time divided by the row's. — = not run.

            Not run:

            - Java plain loop, no-op throughput, latency: the speed-up's reference only
            """);
  }

  @Test
  void thePerformancePageBlockIsTheChartThenTheBodyWithoutTitle() {
    assertThat(ComparisonPublisher.block(ComparisonFixture.report()))
        .startsWith(
            """
            ![joblib4j compared with ExecutorService, parallel streams and joblib](comparison.png)

            - Date: 2026-11-26 10:00 UTC
            """)
        .doesNotContain("# joblib4j compared");
  }

  @Test
  void notesCloseTheReport() {
    ComparisonReport r = ComparisonFixture.report();
    ComparisonReport withNotes =
        new ComparisonReport(
            r.machine(),
            r.python(),
            r.command(),
            r.method(),
            r.load(),
            r.table(),
            java.util.List.of(
                "- Grid search 1600 × 480 (X: 6.1 MB): bytes sent to worker JVMs in one call — `loky` 12.30 MB;"));
    String md = ComparisonMarkdown.body(withNotes);
    assertThat(md)
        .endsWith(
            "\n\n- Grid search 1600 × 480 (X: 6.1 MB): bytes sent to worker JVMs in one call — `loky` 12.30 MB;\n");
  }
}
