package org.joblib4j.it.docs;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.joblib4j.ConfigKeys;
import org.joblib4j.process.WorkerJvms;
import org.joblib4j.spi.support.LayeredConfigSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Checks the fenced blocks of a documentation page so that its deployment snippets cannot rot:
 *
 * <ul>
 *   <li>{@code yaml}: every document parses (no duplicate keys) and has {@code apiVersion}, {@code
 *       kind} and {@code metadata.name}, plus what Kubernetes or KubeRay require of its kind (pod
 *       templates with named containers that have an image, env values and commands as strings, a
 *       RayCluster's head and worker groups, a RayJob's entrypoint and cluster);
 *   <li>{@code dockerfile}: starts with {@code FROM}, uses only Dockerfile instructions, every
 *       shell-form {@code RUN} passes {@code sh -n}, an exec-form {@code CMD} or {@code ENTRYPOINT}
 *       is a list of strings, {@code apt-get install} runs after {@code apt-get update} with {@code
 *       -y}, and it installs a Java 17+ runtime;
 *   <li>{@code bash}: passes {@code bash -n};
 *   <li>every block: each {@code JOBLIB4J_*} variable is a setting joblib4j reads, by the engine's
 *       own mapping ({@link ConfigKeys#envName}, {@link LayeredConfigSource}): a top-level key of
 *       {@link ConfigKeys}, {@link WorkerJvms#VARIABLE}, or an option the named backend accepts.
 * </ul>
 *
 * <p>A block without a language is a problem too, so no snippet escapes the checks. Each problem
 * names the page's line: {@code docs/deploy.md:57: ... (the yaml block at line 50)}.
 */
final class SnippetChecker {
  private static final Set<String> INSTRUCTIONS =
      Set.of(
          "FROM",
          "RUN",
          "CMD",
          "LABEL",
          "EXPOSE",
          "ENV",
          "ADD",
          "COPY",
          "ENTRYPOINT",
          "VOLUME",
          "USER",
          "WORKDIR",
          "ARG",
          "ONBUILD",
          "STOPSIGNAL",
          "HEALTHCHECK",
          "SHELL");
  private static final Pattern VARIABLE = Pattern.compile("\\bJOBLIB4J_[A-Z0-9_]*[A-Z0-9]");
  private static final Pattern JRE =
      Pattern.compile("\\bopenjdk-(\\d+)-(?:jre|jdk)(?:-headless)?\\b");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern SHELL_LINE = Pattern.compile("line (\\d+)");

  /** The line index of a problem of a whole block: reported at its opening fence. */
  private static final int BLOCK = -1;

  private final String page;
  private final Map<String, Set<String>> backendOptions;
  private final Set<String> topLevelVariables;
  private final List<String> problems = new ArrayList<>();

  /**
   * Creates a checker.
   *
   * @param page the page's name in messages, such as {@code docs/deploy.md}
   * @param backendOptions per backend name, the options it accepts
   */
  SnippetChecker(String page, Map<String, Set<String>> backendOptions) {
    this.page = page;
    this.backendOptions = backendOptions;
    this.topLevelVariables = topLevelVariables();
  }

  /**
   * Checks every block of a page.
   *
   * @param markdown the page
   * @return the problems, each naming its line; empty when every block is sound
   */
  List<String> check(String markdown) {
    Snippet.Page parsed = Snippet.parse(markdown);
    if (parsed.unclosedFenceLine() > 0) {
      problems.add(page + ":" + parsed.unclosedFenceLine() + ": this fence is never closed");
    }
    for (Snippet s : parsed.snippets()) {
      switch (s.language()) {
        case "yaml":
          checkYaml(s);
          break;
        case "dockerfile":
          checkDockerfile(s);
          break;
        case "bash":
          for (ShellError e : shellErrors("bash", s.text())) {
            problem(s, e.line() - 1, "bash -n: " + e.message());
          }
          break;
        case "":
          problem(
              s,
              BLOCK,
              "a block without a language is not checked: name one (yaml, dockerfile, bash)");
          break;
        default:
          problem(
              s,
              BLOCK,
              "'" + s.language() + "' blocks are not checked here: use yaml, dockerfile or bash");
      }
      checkVariables(s);
    }
    return List.copyOf(problems);
  }

  // ------------------------------------------------------------------ JOBLIB4J_* variables

  private void checkVariables(Snippet s) {
    String[] lines = s.text().split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = VARIABLE.matcher(lines[i]);
      while (m.find()) {
        String reason = unknownVariable(m.group());
        if (reason != null) {
          problem(s, i, reason);
        }
      }
    }
  }

  /** Returns why a variable is no joblib4j setting, or null when it is one. */
  private String unknownVariable(String variable) {
    if (topLevelVariables.contains(variable)) {
      return null;
    }
    for (Map.Entry<String, Set<String>> backend : backendOptions.entrySet()) {
      String name = backend.getKey();
      String prefix = ConfigKeys.envName(ConfigKeys.BACKEND_PARAM_PREFIX + name + ".");
      if (!variable.startsWith(prefix)) {
        continue;
      }
      // the engine's own reading of the environment: which option of this backend it sets
      Set<String> options =
          LayeredConfigSource.of(Map.of(), Map.of(variable, "x"), Map.of())
              .backendParameters(name)
              .keySet();
      for (String option : options) {
        if (!backend.getValue().contains(option)) {
          return variable
              + " is "
              + ConfigKeys.BACKEND_PARAM_PREFIX
              + name
              + "."
              + option
              + ", not an option of the "
              + name
              + " backend (it accepts "
              + String.join(", ", new TreeSet<>(backend.getValue()))
              + ")";
        }
      }
      return options.isEmpty() ? variable + " names no option of the " + name + " backend" : null;
    }
    if (variable.startsWith(ConfigKeys.envName(ConfigKeys.BACKEND_PARAM_PREFIX))) {
      return variable
          + " is no option of a backend this check knows ("
          + String.join(", ", new TreeSet<>(backendOptions.keySet()))
          + "): add the backend's option names to DeploySnippetsTest";
    }
    return variable
        + " is not a joblib4j setting (the variables of ConfigKeys' keys: "
        + String.join(", ", new TreeSet<>(topLevelVariables))
        + ")";
  }

  /** The variables of every key in {@link ConfigKeys}, and the multiprocessing switch. */
  private static Set<String> topLevelVariables() {
    Set<String> names = new TreeSet<>();
    for (Field f : ConfigKeys.class.getFields()) {
      if (!Modifier.isStatic(f.getModifiers()) || f.getType() != String.class) {
        continue;
      }
      String key;
      try {
        key = (String) f.get(null);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      // the prefix of backend options and the name of the properties file are not keys
      if (key.equals(ConfigKeys.BACKEND_PARAM_PREFIX)
          || key.equals(ConfigKeys.PROPERTIES_RESOURCE)) {
        continue;
      }
      names.add(ConfigKeys.envName(key));
    }
    names.add(WorkerJvms.VARIABLE);
    return names;
  }

  // ------------------------------------------------------------------ YAML

  private void checkYaml(Snippet s) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    List<Object> documents = new ArrayList<>();
    try {
      for (Object d : new Yaml(new SafeConstructor(options)).loadAll(s.text())) {
        documents.add(d);
      }
    } catch (MarkedYAMLException e) {
      // the problem's own words: the full message counts lines from the block, not the page
      int line = e.getProblemMark() != null ? e.getProblemMark().getLine() : BLOCK;
      String context = e.getContext() != null ? e.getContext() + ": " : "";
      problem(s, line, "not valid YAML: " + oneLine(context + e.getProblem()));
      return;
    } catch (YAMLException e) {
      problem(s, BLOCK, "not valid YAML: " + oneLine(e.getMessage()));
      return;
    }
    List<Integer> starts = documentStarts(s.text());
    int k = 0;
    for (Object d : documents) {
      int line = k < starts.size() ? starts.get(k) : BLOCK;
      k++;
      if (d == null) {
        continue;
      }
      new Manifest(s, line, d).check();
    }
  }

  /** The 0-based line where each document of a YAML stream starts. */
  private static List<Integer> documentStarts(String text) {
    List<Integer> starts = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    boolean content = false;
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      if (l.equals("---") || l.startsWith("--- ")) {
        starts.add(i);
        content = true;
      } else if (!content && !l.isBlank() && !l.startsWith("#")) {
        starts.add(i);
        content = true;
      }
    }
    return starts;
  }

  /** One Kubernetes object of a YAML block. */
  private final class Manifest {
    private final Snippet snippet;
    private final int line;
    private final Object root;
    private String name = "the document";

    Manifest(Snippet snippet, int line, Object root) {
      this.snippet = snippet;
      this.line = line;
      this.root = root;
    }

    void check() {
      if (!(root instanceof Map)) {
        fail("a Kubernetes object must be a mapping, not " + type(root));
        return;
      }
      String apiVersion = string("apiVersion");
      String kind = string("kind");
      String metadataName = string("metadata.name");
      if (kind != null) {
        name = kind + (metadataName != null ? " " + metadataName : "");
      }
      if (metadataName != null && !DNS_LABEL.matcher(metadataName).matches()) {
        fail("metadata.name '" + metadataName + "' is not a DNS label (lower case, digits, '-')");
      }
      if (apiVersion == null || kind == null) {
        return;
      }
      switch (kind) {
        case "Deployment":
          expectApi(apiVersion, "apps/v1");
          Map<?, ?> match = map("spec.selector.matchLabels");
          Map<?, ?> labels = map("spec.template.metadata.labels");
          if (match != null && labels != null && !labels.entrySet().containsAll(match.entrySet())) {
            fail(
                "spec.selector.matchLabels " + match + " must be among the pod's labels " + labels);
          }
          podSpec("spec.template.spec");
          break;
        case "Job":
          expectApi(apiVersion, "batch/v1");
          podSpec("spec.template.spec");
          Object restart = get(root, "spec.template.spec.restartPolicy");
          if (!"Never".equals(restart) && !"OnFailure".equals(restart)) {
            fail("spec.template.spec.restartPolicy must be Never or OnFailure in a Job");
          }
          break;
        case "Service":
          expectApi(apiVersion, "v1");
          List<?> ports = list("spec.ports");
          if (ports != null && ports.isEmpty()) {
            fail("spec.ports is empty");
          }
          if (ports != null) {
            for (int i = 0; i < ports.size(); i++) {
              if (!(get(ports.get(i), "port") instanceof Integer)) {
                fail("spec.ports[" + i + "].port must be a number");
              }
            }
          }
          break;
        case "RayCluster":
          expectApi(apiVersion, "ray.io/v1");
          if (map("spec.headGroupSpec") != null) {
            rayStartParams("spec.headGroupSpec");
            podSpec("spec.headGroupSpec.template.spec");
          }
          List<?> groups = list("spec.workerGroupSpecs");
          if (groups != null && groups.isEmpty()) {
            fail("spec.workerGroupSpecs is empty");
          }
          if (groups != null) {
            for (int i = 0; i < groups.size(); i++) {
              String g = "spec.workerGroupSpecs[" + i + "]";
              if (!(get(groups.get(i), "groupName") instanceof String)) {
                fail(g + ".groupName is missing");
              }
              rayStartParams(g);
              podSpec(g + ".template.spec");
            }
          }
          break;
        case "RayJob":
          expectApi(apiVersion, "ray.io/v1");
          string("spec.entrypoint");
          if (get(root, "spec.clusterSelector") == null
              && get(root, "spec.rayClusterSpec") == null) {
            fail("spec needs clusterSelector (an existing RayCluster) or rayClusterSpec");
          }
          Object env = get(root, "spec.runtimeEnvYAML");
          if (env != null) {
            runtimeEnv(env);
          }
          break;
        default:
          fail(
              "this check knows no required keys of kind "
                  + kind
                  + ": add them to SnippetChecker.Manifest");
      }
    }

    private void expectApi(String apiVersion, String expected) {
      if (!apiVersion.equals(expected)) {
        fail("apiVersion is " + apiVersion + ", not " + expected);
      }
    }

    private void podSpec(String path) {
      List<?> containers = list(path + ".containers");
      if (containers == null) {
        return;
      }
      if (containers.isEmpty()) {
        fail(path + ".containers is empty");
      }
      for (int i = 0; i < containers.size(); i++) {
        String c = path + ".containers[" + i + "]";
        Object container = containers.get(i);
        Object n = get(container, "name");
        if (!(n instanceof String) || !DNS_LABEL.matcher((String) n).matches()) {
          fail(c + ".name is missing or not a DNS label");
        }
        Object image = get(container, "image");
        if (!(image instanceof String) || ((String) image).isBlank()) {
          fail(c + " has no image");
        }
        for (String field : List.of("command", "args")) {
          Object v = get(container, field);
          if (v != null && !allStrings(v)) {
            fail(c + "." + field + " must be a list of strings (quote numbers): " + v);
          }
        }
        Object env = get(container, "env");
        if (env instanceof List) {
          List<?> vars = (List<?>) env;
          for (int j = 0; j < vars.size(); j++) {
            Object var = vars.get(j);
            Object value = get(var, "value");
            if (!(get(var, "name") instanceof String)) {
              fail(c + ".env[" + j + "] has no name");
            } else if (value == null ? get(var, "valueFrom") == null : !(value instanceof String)) {
              fail(
                  c
                      + ".env["
                      + j
                      + "] ("
                      + get(var, "name")
                      + ") needs a string value (quote it): "
                      + value);
            }
          }
        } else if (env != null) {
          fail(c + ".env must be a list of name/value pairs");
        }
      }
    }

    private void rayStartParams(String group) {
      Object params = get(root, group + ".rayStartParams");
      if (params == null) {
        return;
      }
      if (!(params instanceof Map)) {
        fail(group + ".rayStartParams must be a mapping");
        return;
      }
      for (Map.Entry<?, ?> e : ((Map<?, ?>) params).entrySet()) {
        if (!(e.getValue() instanceof String)) {
          fail(group + ".rayStartParams." + e.getKey() + " must be a string (quote it)");
        }
      }
    }

    private void runtimeEnv(Object env) {
      if (!(env instanceof String)) {
        fail("spec.runtimeEnvYAML must be a string holding YAML (write it as a block: |)");
        return;
      }
      Object parsed;
      try {
        parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load((String) env);
      } catch (YAMLException e) {
        fail("spec.runtimeEnvYAML is not valid YAML: " + oneLine(e.getMessage()));
        return;
      }
      Object vars = get(parsed, "env_vars");
      if (vars instanceof Map) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) vars).entrySet()) {
          if (!(e.getValue() instanceof String)) {
            fail("spec.runtimeEnvYAML env_vars." + e.getKey() + " must be a string (quote it)");
          }
        }
      }
    }

    private String string(String path) {
      Object v = get(root, path);
      if (!(v instanceof String) || ((String) v).isBlank()) {
        fail(path + " is " + (v == null ? "missing" : "not a string: " + v));
        return null;
      }
      return (String) v;
    }

    private Map<?, ?> map(String path) {
      Object v = get(root, path);
      if (!(v instanceof Map)) {
        fail(path + " is " + (v == null ? "missing" : "not a mapping"));
        return null;
      }
      return (Map<?, ?>) v;
    }

    private List<?> list(String path) {
      Object v = get(root, path);
      if (!(v instanceof List)) {
        fail(path + " is " + (v == null ? "missing" : "not a list"));
        return null;
      }
      return (List<?>) v;
    }

    private void fail(String what) {
      problem(snippet, line, name + ": " + what);
    }
  }

  /**
   * Follows a path such as {@code spec.template.spec} or {@code spec.ports[0].port} from a value.
   */
  private static Object get(Object from, String path) {
    Object v = from;
    for (String part : path.split("\\.")) {
      int bracket = part.indexOf('[');
      String key = bracket < 0 ? part : part.substring(0, bracket);
      if (!(v instanceof Map)) {
        return null;
      }
      v = ((Map<?, ?>) v).get(key);
      if (bracket >= 0) {
        int index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
        if (!(v instanceof List) || ((List<?>) v).size() <= index) {
          return null;
        }
        v = ((List<?>) v).get(index);
      }
    }
    return v;
  }

  private static boolean allStrings(Object v) {
    return v instanceof List && ((List<?>) v).stream().allMatch(String.class::isInstance);
  }

  private static String type(Object v) {
    return v instanceof List ? "a list" : "'" + v + "'";
  }

  // ------------------------------------------------------------------ Dockerfile

  private void checkDockerfile(Snippet s) {
    String[] lines = s.text().split("\n", -1);
    boolean first = true;
    boolean jre = false;
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int start = i;
      StringBuilder joined = new StringBuilder();
      // a continued instruction: Docker drops the backslash-newline and comment lines inside it
      while (true) {
        String part = lines[i];
        if (part.strip().startsWith("#") && i > start) {
          part = "";
        }
        if (part.endsWith("\\")) {
          joined.append(part, 0, part.length() - 1);
          if (i + 1 >= lines.length) {
            break;
          }
          i++;
        } else {
          joined.append(part);
          break;
        }
      }
      String instruction = joined.toString().strip();
      String keyword = instruction.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
      String args =
          instruction.length() > keyword.length()
              ? instruction.substring(keyword.length()).strip()
              : "";
      if (first && !keyword.equals("FROM")) {
        problem(s, start, "a Dockerfile must start with FROM, not " + keyword);
      }
      first = false;
      if (!INSTRUCTIONS.contains(keyword)) {
        problem(s, start, "'" + keyword + "' is not a Dockerfile instruction");
        continue;
      }
      switch (keyword) {
        case "FROM":
          if (args.isEmpty()) {
            problem(s, start, "FROM names no image");
          }
          break;
        case "RUN":
          if (!args.startsWith("[")) {
            // Docker runs the joined line with /bin/sh -c: its errors are the instruction's
            for (ShellError e : shellErrors("sh", args + "\n")) {
              problem(s, start, "sh -n: " + e.message());
            }
            jre |= checkApt(s, start, args);
          }
          break;
        case "CMD":
        case "ENTRYPOINT":
          if (args.startsWith("[") && !execForm(args)) {
            problem(s, start, keyword + "'s exec form must be a JSON list of strings: " + args);
          }
          break;
        default:
          break;
      }
    }
    if (!jre) {
      problem(
          s,
          BLOCK,
          "this Dockerfile installs no Java runtime (apt-get install openjdk-17-jre-headless or newer)");
    }
  }

  /** Checks the apt-get commands of a RUN; returns whether it installs a Java 17+ runtime. */
  private boolean checkApt(Snippet s, int line, String run) {
    int install = run.indexOf("apt-get install");
    if (install < 0) {
      return false;
    }
    int update = run.indexOf("apt-get update");
    if (update < 0 || update > install) {
      problem(s, line, "apt-get install needs apt-get update before it, in the same RUN");
    }
    List<String> words = List.of(run.substring(install).split("&&|;|\\|")[0].split("\\s+"));
    if (!words.contains("-y") && !words.contains("--yes")) {
      problem(s, line, "apt-get install needs -y in a Dockerfile");
    }
    boolean jre = false;
    Matcher m = JRE.matcher(run.substring(install));
    while (m.find()) {
      if (Integer.parseInt(m.group(1)) >= 17) {
        jre = true;
      } else {
        problem(s, line, m.group() + " is older than Java 17, which joblib4j needs");
      }
    }
    return jre;
  }

  private static boolean execForm(String args) {
    try {
      return allStrings(new Yaml(new SafeConstructor(new LoaderOptions())).load(args));
    } catch (YAMLException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ shell

  /** An error of {@code sh -n} or {@code bash -n}: the script's 1-based line (1 when unnamed). */
  private record ShellError(int line, String message) {}

  /** Runs {@code shell -n} over a script: its syntax is read, nothing is executed. */
  private static List<ShellError> shellErrors(String shell, String script) {
    String out;
    int status;
    try {
      Process p = new ProcessBuilder(shell, "-n").redirectErrorStream(true).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(script.getBytes(StandardCharsets.UTF_8));
      }
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return List.of(new ShellError(1, shell + " -n did not finish in 30 s"));
      }
      status = p.exitValue();
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + shell + " -n: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + shell + " -n", e);
    }
    if (status == 0 && out.isBlank()) {
      return List.of();
    }
    List<ShellError> errors = new ArrayList<>();
    for (String l : new LinkedHashSet<>(List.of(out.strip().split("\n")))) {
      Matcher m = SHELL_LINE.matcher(l);
      errors.add(new ShellError(m.find() ? Integer.parseInt(m.group(1)) : 1, l.strip()));
    }
    if (errors.isEmpty()) {
      errors.add(new ShellError(1, shell + " -n exited with " + status));
    }
    return errors;
  }

  // ------------------------------------------------------------------ reporting

  private void problem(Snippet s, int index, String what) {
    problems.add(
        page
            + ":"
            + s.pageLine(index)
            + ": "
            + what
            + " (the "
            + blockName(s)
            + " at line "
            + s.line()
            + ")");
  }

  private static String blockName(Snippet s) {
    return s.language().isEmpty() ? "block" : s.language() + " block";
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*\\n\\s*", " ").strip();
  }
}
