package org.joblib4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.joblib4j.it.support.Artifact;
import org.joblib4j.it.support.ChosenClasspathJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module descriptors, for real: an application module that requires {@code org.joblib4j.api}
 * alone is compiled and run on a module path with the engine, threading, loky (and its worker-JVM
 * toolkit) and dask. The engine and the backends are found through their {@code provides} (service
 * binding, nothing named on the command line), loky's worker JVMs run the application's lambdas,
 * and the API's engine bridge is not exported to the application.
 */
class ModularApplicationTest {
  private static final String MODULE_INFO = "module demo.app {\n  requires org.joblib4j.api;\n}\n";

  private static final String MAIN =
      String.join(
          "\n",
          "package demo.app;",
          "",
          "import java.util.List;",
          "import org.joblib4j.Backends;",
          "import org.joblib4j.Parallel;",
          "",
          "public final class Main {",
          "  private Main() {}",
          "",
          "  static int square(int x) {",
          "    return x * x;",
          "  }",
          "",
          "  public static void main(String[] args) throws Exception {",
          "    System.out.println(\"available=\" + Backends.available());",
          "    try (Parallel p = Parallel.builder().backend(\"threading\").nJobs(2).build()) {",
          "      System.out.println(\"threading=\" + p.map(Main::square, List.of(1, 2, 3, 4)));",
          "    }",
          "    int offset = 10;",
          "    try (Parallel p = Parallel.builder().backend(\"loky\").nJobs(2).build()) {",
          "      System.out.println(\"loky=\" + p.map((Integer x) -> x + offset, List.of(1, 2, 3)));",
          "      System.out.println(",
          "          \"inWorker=\" + p.map((Integer x) -> ProcessHandle.current().pid()",
          "              != Long.parseLong(args[0]), List.of(1, 2)));",
          "    }",
          "    Module api = Parallel.class.getModule();",
          "    System.out.println(\"api=\" + api.getName());",
          "    System.out.println(\"spi exported=\" + api.isExported(\"org.joblib4j.spi\"));",
          "    System.out.println(",
          "        \"internal exported=\" + api.isExported(\"org.joblib4j.internal\", Main.class.getModule()));",
          "    System.out.println(",
          "        \"engine=\" + ModuleLayer.boot().findModule(\"org.joblib4j.core\").isPresent());",
          "  }",
          "}",
          "");

  @TempDir Path dir;

  @Test
  void aModularApplicationRunsOnThreadingAndLokyWithTheEngineFoundThroughItsDescriptor()
      throws Exception {
    ChosenClasspathJvm child =
        ChosenClasspathJvm.in(dir)
            .with(
                Artifact.API,
                Artifact.CORE,
                Artifact.THREADING,
                Artifact.PROCESS,
                Artifact.LOKY,
                Artifact.DASK,
                Artifact.GSON);
    Path app = compile(child.withLogging());

    ChosenClasspathJvm.Result r =
        child.runModule(
            app, "demo.app/demo.app.Main", Long.toString(ProcessHandle.current().pid()));

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.lines())
        .as(r.describe())
        .containsExactly(
            "available=[dask, loky, sequential, threading, verify]",
            "threading=[1, 4, 9, 16]",
            "loky=[11, 12, 13]",
            "inWorker=[true, true]",
            "api=org.joblib4j.api",
            "spi exported=true",
            "internal exported=false",
            "engine=true");
    assertThat(r.stderr()).as(r.describe()).isEmpty();
  }

  private Path compile(List<Path> modulePath) throws Exception {
    Path src = dir.resolve("src");
    Path out = dir.resolve("app");
    Files.createDirectories(src.resolve("demo/app"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("demo/app/Main.java"), MAIN);
    int rc =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "--release",
                "17",
                "--module-path",
                modulePath.stream()
                    .map(Path::toString)
                    .collect(Collectors.joining(File.pathSeparator)),
                "-d",
                out.toString(),
                src.resolve("module-info.java").toString(),
                src.resolve("demo/app/Main.java").toString());
    assertThat(rc).as("javac of the application module").isZero();
    return out;
  }
}
