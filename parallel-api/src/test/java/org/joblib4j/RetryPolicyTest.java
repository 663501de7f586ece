package org.joblib4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void byDefaultEveryExceptionButNoErrorIsRetriedAtOnce() {
    RetryPolicy p = RetryPolicy.attempts(3);
    assertThat(p.maxAttempts()).isEqualTo(3);
    assertThat(p.retries(new IOException("x"))).isTrue();
    assertThat(p.retries(new IllegalStateException("x"))).isTrue();
    assertThat(p.retries(new AssertionError("x"))).isFalse();
    assertThat(p.delayBefore(2)).isEqualTo(Duration.ZERO);
  }

  @Test
  void theBackoffGrowsByItsMultiplier() {
    RetryPolicy p = RetryPolicy.attempts(5).backoff(Duration.ofMillis(100)).backoffMultiplier(3);
    assertThat(p.delayBefore(2)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.delayBefore(3)).isEqualTo(Duration.ofMillis(300));
    assertThat(p.delayBefore(4)).isEqualTo(Duration.ofMillis(900));
    assertThat(RetryPolicy.attempts(99).backoff(Duration.ofDays(1)).delayBefore(90))
        .isEqualTo(Duration.ofDays(1));
  }

  @Test
  void onlyTheNamedTypesAndTheirSubclassesAreRetried() {
    RetryPolicy p = RetryPolicy.attempts(2).retryOn(IOException.class, AssertionError.class);
    assertThat(p.retries(new java.io.FileNotFoundException("x"))).isTrue();
    assertThat(p.retries(new AssertionError("x"))).isTrue();
    assertThat(p.retries(new UncheckedIOException(new IOException("x")))).isFalse();
    assertThat(p)
        .hasToString(
            "RetryPolicy(maxAttempts=2, backoff=PT0S, multiplier=2.0, retryOn=[IOException, AssertionError])");
  }

  @Test
  void badValuesAreRefusedSayingWhatIsAllowed() {
    assertThatThrownBy(() -> RetryPolicy.attempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "maxAttempts must be at least 1 (the first run counts; 1 means no retry), got 0");
    assertThatThrownBy(() -> RetryPolicy.attempts(2).backoff(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoff must be zero or more, got PT-0.001S");
    assertThatThrownBy(() -> RetryPolicy.attempts(2).backoffMultiplier(0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoffMultiplier must be a finite number of at least 1, got 0.5");
    assertThatThrownBy(() -> RetryPolicy.attempts(2).backoffMultiplier(Double.NaN))
        .hasMessage("backoffMultiplier must be a finite number of at least 1, got NaN");
    assertThatThrownBy(() -> RetryPolicy.attempts(2).retryOn())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retryOn needs at least one exception type");
  }

  @Test
  void anOutcomeCountsTheAttemptsItsFailureCarries() {
    IllegalStateException last = new IllegalStateException("third");
    last.addSuppressed(new TaskAttemptException(1, 3, new IllegalStateException("first")));
    last.addSuppressed(new TaskAttemptException(2, 3, new IllegalStateException("second")));
    assertThat(Outcome.failure(4, last).attempts()).isEqualTo(3);
    assertThat(Outcome.failure(4, new TaskFailedException(4, last)).attempts()).isEqualTo(3);
    assertThat(Outcome.failure(4, new IllegalStateException("once")).attempts()).isEqualTo(1);
    assertThat(Outcome.success(4, "v", 2).attempts()).isEqualTo(2);
    assertThat(Outcome.success(4, "v").attempts()).isEqualTo(1);
    assertThat(last.getSuppressed()[0])
        .hasMessage("Attempt 1 of 3 failed: java.lang.IllegalStateException: first");
  }
}
