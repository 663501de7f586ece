package org.joblib4j.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.joblib4j.Parallel;
import org.joblib4j.Task;
import org.joblib4j.TaskFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a task's identity depends on, and what it does not. */
class TaskIdentityTest {

  static Integer plusOne(Integer x) {
    return x + 1;
  }

  static Integer plusTwo(Integer x) {
    return x + 2;
  }

  @Test
  void theSameTaskHasTheSameIdentity() {
    assertThat(TaskIdentity.of(Parallel.delayed(TaskIdentityTest::plusOne, 3), 0))
        .isEqualTo(TaskIdentity.of(Parallel.delayed(TaskIdentityTest::plusOne, 3), 5))
        .hasSize(64);
  }

  @Test
  void anotherArgumentOrFunctionIsAnotherIdentity() {
    String base = TaskIdentity.of(Parallel.delayed(TaskIdentityTest::plusOne, 3), 0);
    assertThat(TaskIdentity.of(Parallel.delayed(TaskIdentityTest::plusOne, 4), 0))
        .isNotEqualTo(base);
    assertThat(TaskIdentity.of(Parallel.delayed(TaskIdentityTest::plusTwo, 3), 0))
        .isNotEqualTo(base);
  }

  @Test
  void aCapturedValueIsPartOfTheIdentity() {
    int one = 1;
    int two = 2;
    TaskFunction<Integer, Integer> addOne = x -> x + one;
    TaskFunction<Integer, Integer> addTwo = x -> x + two;
    assertThat(TaskIdentity.of(Parallel.delayed(addOne, 3), 0))
        .isNotEqualTo(TaskIdentity.of(Parallel.delayed(addTwo, 3), 0));
  }

  /** Two builds of one class, with the same name and method but other code: other identities. */
  @Test
  void aChangedFunctionBodyIsAnotherIdentity(@TempDir Path dir) throws Exception {
    Object v1 = compiledFunction(dir.resolve("v1"), "x + 1");
    Object v2 = compiledFunction(dir.resolve("v2"), "x + 100");
    assertThat(v1.getClass().getName()).isEqualTo(v2.getClass().getName());
    @SuppressWarnings("unchecked")
    Task<?> t1 = Parallel.delayed((TaskFunction<Integer, Integer>) v1, 3);
    @SuppressWarnings("unchecked")
    Task<?> t2 = Parallel.delayed((TaskFunction<Integer, Integer>) v2, 3);
    assertThat(TaskIdentity.of(t1, 0)).isNotEqualTo(TaskIdentity.of(t2, 0));
  }

  private static Object compiledFunction(Path dir, String body) throws Exception {
    Path source = dir.resolve("src").resolve("Fn.java");
    Files.createDirectories(source.getParent());
    Files.writeString(
        source,
        "public class Fn implements org.joblib4j.TaskFunction<Integer, Integer> {\n"
            + "  public Integer apply(Integer x) { return "
            + body
            + "; }\n}\n");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc =
        javac.run(
            null,
            null,
            null,
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString(),
            source.toString());
    assertThat(rc).isZero();
    URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, TaskIdentityTest.class.getClassLoader());
    return loader.loadClass("Fn").getConstructor().newInstance();
  }

  @Test
  void aLambdaThatIsNotSerializableHasNoIdentity() {
    Function<Integer, Integer> plain = x -> x;
    Task<Integer> task = new NotSerializableTask(plain);
    TaskFunction<Integer, Integer> serializable = x -> x;
    assertThat(TaskIdentity.of(Parallel.delayed(serializable, 1), 0)).hasSize(64);
    assertThatThrownBy(() -> TaskIdentity.of(task, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "checkpoint(folder) identifies each task by its code and arguments, but the function of task 4 is not"
                + " serializable ("
                + plain.getClass().getName()
                + "): make it Serializable, or run without a checkpoint");
  }

  /** A task class whose instance holds a plain lambda. */
  static final class NotSerializableTask implements Task<Integer> {
    private static final long serialVersionUID = 1L;
    private final Function<Integer, Integer> f;

    NotSerializableTask(Function<Integer, Integer> f) {
      this.f = f;
    }

    @Override
    public Integer call() {
      return f.apply(1);
    }
  }

  @Test
  void anArgumentThatIsNotSerializableIsNamed() {
    assertThatThrownBy(
            () -> TaskIdentity.of(Parallel.delayed(TaskIdentityTest::describe, new Object()), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "checkpoint(folder) identifies each task by its code and arguments, but the argument 0 of task 2 is not"
                + " serializable (java.lang.Object): make it Serializable, or run without a checkpoint");
  }

  static String describe(Object o) {
    return String.valueOf(o);
  }

  @Test
  void aSharedArgumentIsSerializedOncePerCall() throws IOException {
    java.util.Map<Object, String> digests = new java.util.IdentityHashMap<>();
    int[] big = new int[1000];
    TaskIdentity.of(Parallel.delayed(TaskIdentityTest::length, big), 0, digests);
    TaskIdentity.of(Parallel.delayed(TaskIdentityTest::length, big), 1, digests);
    assertThat(digests).containsOnlyKeys(List.of(big));
  }

  static Integer length(int[] a) {
    return a.length;
  }
}
