package org.joblib4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.joblib4j.DelayedCall;
import org.joblib4j.ParallelConfig;
import org.joblib4j.Task;
import org.joblib4j.TaskBiFunction;
import org.joblib4j.TaskFunction;
import org.joblib4j.TaskTriFunction;
import org.joblib4j.spi.NestedBackend;
import org.junit.jupiter.api.Test;

/** What batches need from the API without a public method: nested scopes, rebuilt calls. */
class BridgeHooksTest {
  @Test
  void aCallIsRebuiltFromItsFunctionAndArguments() throws Exception {
    TaskFunction<Integer, Integer> one = x -> x + 1;
    TaskBiFunction<Integer, Integer, Integer> two = (x, y) -> x * y;
    TaskTriFunction<String, String, String, String> three = (a, b, c) -> a + b + c;
    Task<String> none = () -> "none";

    DelayedCall<Object> call = DelayedCalls.of(two, 6, 7);
    assertThat(call.function()).isSameAs(two);
    assertThat(call.args()).containsExactly(6, 7);
    assertThat(call.call()).isEqualTo(42);
    assertThat(DelayedCalls.of(one, 1).call()).isEqualTo(2);
    assertThat(DelayedCalls.of(three, "a", "b", "c").call()).isEqualTo("abc");
    assertThat(DelayedCalls.of(none).call()).isEqualTo("none");
  }

  @Test
  void aFunctionGivenTheWrongNumberOfArgumentsIsRefused() {
    TaskFunction<Integer, Integer> one = x -> x + 1;
    assertThatThrownBy(() -> DelayedCalls.of(one, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(one.getClass().getName() + " cannot be called with 2 arguments");
  }

  @Test
  void aNestedScopeSetsTheNestedBackendAndItsLevelUntilClosed() {
    try (ParallelConfig.Scope scope = NestedScopes.enter(NestedBackend.named("sequential", 1, 2))) {
      assertThat(ParallelConfig.current().backendName()).isEqualTo("sequential");
      assertThat(ParallelConfig.current().nJobs()).isEqualTo(1);
      assertThat(ParallelConfig.current().nestingLevel()).isEqualTo(2);
    }
    assertThat(ParallelConfig.current().backendName()).isNull();
  }

  @Test
  void theSameNestedBackendEnteredTwiceOnOneThreadClosesScopeByScope() {
    NestedBackend nested = NestedBackend.named("sequential", 1, 1);
    try (ParallelConfig.Scope outer = NestedScopes.enter(nested)) {
      ParallelConfig.Scope inner = NestedScopes.enter(nested);
      assertThat(inner.config()).isNotSameAs(outer.config());
      inner.close();
      assertThat(ParallelConfig.current()).isSameAs(outer.config());
      assertThat(ParallelConfig.current().backendName()).isEqualTo("sequential");
    }
    assertThat(ParallelConfig.current().backendName()).isNull();
  }

  @Test
  void onlyParallelConfigOpensNestedScopes() {
    ParallelConfig.current(); // registered
    assertThatThrownBy(() -> NestedScopes.register(nested -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("nested scopes are opened by ParallelConfig alone");
  }
}
