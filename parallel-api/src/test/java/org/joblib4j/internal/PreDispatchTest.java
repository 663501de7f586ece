package org.joblib4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A11: joblib's eval_expr, case for case. */
class PreDispatchTest {

  @Test
  void validExpressions() {
    assertThat(PreDispatch.evaluateExpression("2*6")).isEqualTo(12);
    assertThat(PreDispatch.evaluateExpression("2**6")).isEqualTo(64);
    assertThat(PreDispatch.evaluateExpression("1 + 2*3**(4) / (6 + -7)")).isEqualTo(-161.0);
    assertThat(PreDispatch.evaluateExpression("(20 // 3) % 5")).isEqualTo(1);
    assertThat(PreDispatch.evaluateExpression("-2**2")).isEqualTo(-4);
  }

  @Test
  void nJobsIsSubstitutedAndTheResultTruncated() {
    assertThat(PreDispatch.evaluate("2*n_jobs", 2)).isEqualTo(4);
    assertThat(PreDispatch.evaluate("1.5*n_jobs", 3)).isEqualTo(4);
    assertThat(PreDispatch.evaluate("3", 2)).isEqualTo(3);
    assertThat(PreDispatch.evaluate("all", 2)).isEqualTo(-1);
  }

  @Test
  void divisionByZeroShowsTheSubstitutedText() {
    assertThatThrownBy(() -> PreDispatch.evaluate("n_jobs/0", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'2/0' is not a valid or supported arithmetic expression.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"import os", "exec('import os')", "1^1", "1//0", "1%0", "", "2 *", "(1"})
  void anythingElseIsNotArithmetic(String expr) {
    assertThatThrownBy(() -> PreDispatch.evaluateExpression(expr))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + expr + "' is not a valid or supported arithmetic expression.");
  }

  @Test
  void tooLongExpressions() {
    String expr = "1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1";
    assertThatThrownBy(() -> PreDispatch.evaluateExpression(expr))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is too long");
  }

  @Test
  void tooLargeLiteralsAndValues() {
    assertThatThrownBy(() -> PreDispatch.evaluateExpression("1e7"))
        .hasMessageMatching("Numeric literal .* is too large, max allowed is 1000000\\.");
    assertThatThrownBy(() -> PreDispatch.evaluateExpression("10**7"))
        .hasMessageMatching("Numeric literal .* is too large, max allowed is 1000000\\.");
  }
}
