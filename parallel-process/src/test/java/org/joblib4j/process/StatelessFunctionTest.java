package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.joblib4j.TaskFunction;
import org.junit.jupiter.api.Test;

class StatelessFunctionTest {
  private final JavaTaskSerializer channel = new JavaTaskSerializer(null, null, true);
  private final JavaTaskSerializer worker =
      new JavaTaskSerializer(null, StatelessFunctionTest.class.getClassLoader());

  static int twice(int x) {
    return 2 * x;
  }

  @Test
  void aLambdaThatCapturesNothingIsRebuiltOncePerJvm() throws Exception {
    TaskFunction<Integer, Integer> square = x -> x * x;
    TaskFunction<Integer, Integer> reference = StatelessFunctionTest::twice;
    assertThat(StatelessFunction.isStateless(square.getClass())).isTrue();
    assertThat(StatelessFunction.isStateless(reference.getClass())).isTrue();
    @SuppressWarnings("unchecked")
    List<Object> first =
        (List<Object>)
            worker.deserialize(channel.serialize(new ArrayList<>(List.of(square, reference))));
    @SuppressWarnings("unchecked")
    List<Object> again =
        (List<Object>)
            worker.deserialize(channel.serialize(new ArrayList<>(List.of(square, reference))));
    assertThat(again.get(0)).isSameAs(first.get(0)).isNotSameAs(square);
    assertThat(again.get(1)).isSameAs(first.get(1));
    @SuppressWarnings("unchecked")
    TaskFunction<Integer, Integer> rebuilt = (TaskFunction<Integer, Integer>) first.get(0);
    assertThat(rebuilt.apply(7)).isEqualTo(49);
  }

  @Test
  void aLambdaWithCapturedStateTravelsAsAFreshCopyEachTime() throws Exception {
    int[] counter = {5};
    TaskFunction<Integer, Integer> counting = x -> x + counter[0]++;
    assertThat(StatelessFunction.isStateless(counting.getClass())).isFalse();
    byte[] bytes = channel.serialize(counting);
    @SuppressWarnings("unchecked")
    TaskFunction<Integer, Integer> one = (TaskFunction<Integer, Integer>) worker.deserialize(bytes);
    @SuppressWarnings("unchecked")
    TaskFunction<Integer, Integer> two = (TaskFunction<Integer, Integer>) worker.deserialize(bytes);
    assertThat(one).isNotSameAs(two);
    assertThat(one.apply(0)).isEqualTo(5);
    assertThat(one.apply(0)).isEqualTo(6);
    assertThat(two.apply(0)).isEqualTo(5);
    assertThat(counter[0]).isEqualTo(5);
  }

  @Test
  void otherObjectsAndOtherSerializersAreLeftAlone() throws Exception {
    assertThat(StatelessFunction.isStateless(String.class)).isFalse();
    assertThat(StatelessFunction.of("text")).isNull();
    TaskFunction<Integer, Integer> square = x -> x * x;
    // a plain serializer writes the lambda itself, readable by any stream
    Object plain = new JavaTaskSerializer().deserialize(new JavaTaskSerializer().serialize(square));
    assertThat(plain).isInstanceOf(TaskFunction.class).isNotSameAs(square);
  }
}
