package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frame op codes are written twice, in {@link Protocol} and in {@code jbridge_core.py}: the two
 * must name the same codes with the same numbers, and the same frame marker.
 */
class ProtocolOpCodesTest {
  /**
   * Prints each module-level integer constant of a Python file as NAME=value, without running it.
   */
  static final String READ_CONSTANTS =
      String.join(
          "\n",
          "import ast, sys",
          "tree = ast.parse(open(sys.argv[1]).read())",
          "for node in tree.body:",
          "    if not isinstance(node, ast.Assign) or len(node.targets) != 1:",
          "        continue",
          "    target, value = node.targets[0], node.value",
          "    names = [t.id for t in target.elts] if isinstance(target, ast.Tuple) else [target.id]",
          "    if isinstance(value, ast.Call) and getattr(value.func, 'id', '') == 'range':",
          "        values = list(range(*[a.value for a in value.args]))",
          "    elif isinstance(value, ast.Tuple):",
          "        values = [e.value if isinstance(e, ast.Constant) else None for e in value.elts]",
          "    else:",
          "        values = [value.value if isinstance(value, ast.Constant) else None]",
          "    for name, v in zip(names, values):",
          "        if type(v) is int:",
          "            print('%s=%d' % (name, v))");

  static Map<String, Long> javaConstants() throws IllegalAccessException {
    Map<String, Long> out = new TreeMap<>();
    for (Field f : Protocol.class.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m)
          && Modifier.isFinal(m)
          && !Modifier.isPrivate(m)
          && f.getType() == int.class) {
        f.setAccessible(true);
        out.put(f.getName(), (long) f.getInt(null));
      }
    }
    return out;
  }

  static Map<String, Long> pythonConstants(Path dir) throws IOException, InterruptedException {
    Path core = dir.resolve("jbridge_core.py");
    try (InputStream in = Protocol.class.getResourceAsStream("python/jbridge_core.py")) {
      Files.write(core, in.readAllBytes());
    }
    Process p =
        new ProcessBuilder(DaskTestSupport.PYTHON, "-I", "-c", READ_CONSTANTS, core.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("python said: %s", out).isZero();
    Map<String, Long> constants = new TreeMap<>();
    for (String line : out.strip().split("\n")) {
      String[] kv = line.split("=", 2);
      constants.put(kv[0], Long.parseLong(kv[1]));
    }
    return constants;
  }

  @Test
  void javaAndPythonNameTheSameOpCodes(@TempDir Path dir) throws Exception {
    Map<String, Long> java = javaConstants();
    Map<String, Long> python = pythonConstants(dir);
    assertThat(java).containsKeys("HELLO", "SUBMIT", "EXEC", "READY", "MARKER");
    assertThat(python).isEqualTo(java);
  }
}
