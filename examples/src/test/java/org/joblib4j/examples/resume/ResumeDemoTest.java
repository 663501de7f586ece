package org.joblib4j.examples.resume;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResumeDemoTest {

  @Test
  void theResumedAndTheRecordedRunsGiveTheSameResultsAsAPlainRun() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ResumeDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("backend=threading, 40 CPU-bound tasks")
        .contains("stopped after 20 results (");
    assertThat(out.lines()).last().isEqualTo("same results every time: true");
  }
}
