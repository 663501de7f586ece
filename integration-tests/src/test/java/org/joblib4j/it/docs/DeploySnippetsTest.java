package org.joblib4j.it.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.joblib4j.backend.dask.DaskOptionNames;
import org.joblib4j.backend.ray.RayOptionNames;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The snippets of {@code docs/deploy.md} (hosts, Dockerfiles, Kubernetes and KubeRay manifests)
 * cannot rot: every block parses and has what its kind requires, and every {@code JOBLIB4J_*}
 * variable is a setting joblib4j reads ({@link SnippetChecker}). The broken snippets below show
 * that a problem is reported at its line of the page.
 */
class DeploySnippetsTest {
  private static final String PAGE = "docs/deploy.md";

  /** The backends whose options the page's variables may name, from the backends themselves. */
  private static final Map<String, Set<String>> OPTIONS =
      Map.of("dask", DaskOptionNames.accepted(), "ray", RayOptionNames.accepted());

  @Test
  void everySnippetOfTheDeploymentPageIsSound() throws IOException {
    assertThat(new SnippetChecker(PAGE, OPTIONS).check(read(PAGE))).isEmpty();
  }

  @Test
  void thePageHasTheRecipesOfIssue16() throws IOException {
    List<Snippet> snippets = Snippet.parse(read(PAGE)).snippets();
    Set<String> objects = new TreeSet<>();
    Set<String> images = new TreeSet<>();
    StringBuilder all = new StringBuilder();
    for (Snippet s : snippets) {
      all.append(s.text());
      if (s.language().equals("yaml")) {
        for (Object d : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(s.text())) {
          Map<?, ?> m = (Map<?, ?>) d;
          objects.add(m.get("kind") + " " + ((Map<?, ?>) m.get("metadata")).get("name"));
        }
      }
      if (s.language().equals("dockerfile")) {
        images.add(s.text().lines().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow());
      }
    }
    assertThat(snippets).extracting(Snippet::language).contains("bash", "dockerfile", "yaml");
    assertThat(objects)
        .contains(
            "Service dask-scheduler",
            "Deployment dask-scheduler",
            "Deployment dask-worker",
            "Job joblib4j-app",
            "RayCluster joblib4j",
            "RayJob joblib4j-app");
    assertThat(images).contains("FROM debian:bookworm-slim", "FROM rayproject/ray:2.58.0-py311");
    assertThat(all)
        .contains(
            "python3-distributed",
            "openjdk-17-jre-headless",
            "JOBLIB4J_BACKEND_DASK_SCHEDULER",
            "JOBLIB4J_BACKEND_DASK_CLASSPATH_MODE",
            "JOBLIB4J_BACKEND_RAY_ADDRESS");
  }

  @Test
  void everyRayVersionOfThePageIsTheOneRayMdInstalls() throws IOException {
    Matcher installed = Pattern.compile("ray==(\\d+\\.\\d+\\.\\d+)").matcher(read("docs/ray.md"));
    assertThat(installed.find()).as("docs/ray.md names ray==<version>").isTrue();
    Matcher used =
        Pattern.compile("ray==([\\d.]+)|rayproject/ray:([\\d.]+)-|rayVersion: \"([\\d.]+)\"")
            .matcher(read(PAGE));
    List<String> versions = new ArrayList<>();
    while (used.find()) {
      for (int g = 1; g <= 3; g++) {
        if (used.group(g) != null) {
          versions.add(used.group(g));
        }
      }
    }
    assertThat(versions).hasSizeGreaterThanOrEqualTo(3).containsOnly(installed.group(1));
  }

  // ------------------------------------------------------------------ broken snippets

  @Test
  void yamlThatDoesNotParseIsReportedAtItsLine() {
    String page =
        lines(
            "# A page", // 1
            "", // 2
            "```yaml", // 3
            "apiVersion: v1", // 4
            "kind: Service", // 5
            "metadata:", // 6
            "  name: broken", // 7
            "   ports: [8786]", // 8: more indented than its siblings
            "```");

    assertThat(check(page))
        .singleElement()
        .asString()
        .startsWith("broken.md:8: not valid YAML: ")
        .contains("mapping values are not allowed here")
        .endsWith("(the yaml block at line 3)");
  }

  @Test
  void aManifestWithoutWhatItsKindRequiresIsReportedAtItsDocument() {
    String page =
        lines(
            "```yaml", // 1
            "apiVersion: v1", // 2
            "kind: Service", // 3
            "metadata:", // 4
            "  name: dask-scheduler", // 5
            "spec:", // 6
            "  ports:", // 7
            "    - port: 8786", // 8
            "---", // 9
            "apiVersion: apps/v1", // 10
            "kind: Deployment", // 11
            "metadata:", // 12
            "  name: dask-worker", // 13
            "spec:",
            "  selector:",
            "    matchLabels: {app: dask-worker}",
            "  template:",
            "    metadata:",
            "      labels: {app: dask-worker}",
            "    spec:",
            "      containers:",
            "        - name: worker",
            "          command: [dask, worker, --nthreads, 2]",
            "          env:",
            "            - name: JOBLIB4J_N_JOBS",
            "              value: 6",
            "---",
            "apiVersion: ray.io/v1", // 28
            "kind: RayCluster",
            "metadata:",
            "  name: ray",
            "spec:",
            "  headGroupSpec:",
            "    rayStartParams: {num-cpus: 0}",
            "    template: {spec: {containers: [{name: ray-head, image: rayproject/ray}]}}",
            "```");

    assertThat(check(page))
        .containsExactly(
            "broken.md:9: Deployment dask-worker: spec.template.spec.containers[0] has no image"
                + " (the yaml block at line 1)",
            "broken.md:9: Deployment dask-worker: spec.template.spec.containers[0].command must be"
                + " a list of strings (quote numbers): [dask, worker, --nthreads, 2]"
                + " (the yaml block at line 1)",
            "broken.md:9: Deployment dask-worker: spec.template.spec.containers[0].env[0]"
                + " (JOBLIB4J_N_JOBS) needs a string value (quote it): 6 (the yaml block at line 1)",
            "broken.md:27: RayCluster ray: spec.headGroupSpec.rayStartParams.num-cpus must be a"
                + " string (quote it) (the yaml block at line 1)",
            "broken.md:27: RayCluster ray: spec.workerGroupSpecs is missing"
                + " (the yaml block at line 1)");
  }

  @Test
  void aDockerfileThatBreaksTheRulesIsReportedAtItsInstructions() {
    String page =
        lines(
            "```dockerfile", // 1
            "# a worker image", // 2
            "LABEL purpose=worker", // 3
            "FROM debian:bookworm-slim", // 4
            "RUN apt-get install -y python3-distributed \\", // 5
            "      openjdk-11-jre-headless", // 6
            "COPPY app.jar /opt/app.jar", // 7
            "RUN if true; then echo", // 8
            "CMD [\"java\", \"-jar\", 1]", // 9
            "```");

    List<String> problems = check(page);

    assertThat(withoutShellWords(problems))
        .containsExactly(
            "broken.md:3: a Dockerfile must start with FROM, not LABEL"
                + " (the dockerfile block at line 1)",
            "broken.md:5: apt-get install needs apt-get update before it, in the same RUN"
                + " (the dockerfile block at line 1)",
            "broken.md:5: openjdk-11-jre-headless is older than Java 17, which joblib4j needs"
                + " (the dockerfile block at line 1)",
            "broken.md:7: 'COPPY' is not a Dockerfile instruction (the dockerfile block at line 1)",
            "broken.md:8: sh -n: … (the dockerfile block at line 1)",
            "broken.md:9: CMD's exec form must be a JSON list of strings: [\"java\", \"-jar\", 1]"
                + " (the dockerfile block at line 1)",
            "broken.md:1: this Dockerfile installs no Java runtime"
                + " (apt-get install openjdk-17-jre-headless or newer) (the dockerfile block at"
                + " line 1)");
    assertThat(problems.get(4)).containsIgnoringCase("syntax error");
  }

  @Test
  void aVariableJoblib4jDoesNotReadIsReportedWithWhatItCouldBe() {
    String page =
        lines(
            "Text.", // 1
            "```bash", // 2
            "export JOBLIB4J_BACKEND=dask JOBLIB4J_BACKEND_RAY_ADDRESS=10.0.0.5:6379", // 3
            "export JOBLIB4J_BACKEND_DASK_SCHEDULAR=tcp://10.0.0.5:8786", // 4
            "export JOBLIB4J_NJOBS=4", // 5
            "export JOBLIB4J_BACKEND_SPARK_MASTER=local", // 6
            "```");

    List<String> problems = check(page);

    assertThat(problems).hasSize(3);
    assertThat(problems.get(0))
        .startsWith(
            "broken.md:4: JOBLIB4J_BACKEND_DASK_SCHEDULAR is joblib4j.backend.dask.schedular, not"
                + " an option of the dask backend (it accepts ")
        .contains("classpath-mode, ", "scheduler, scheduler-file, ")
        .endsWith(") (the bash block at line 2)");
    assertThat(problems.get(1))
        .startsWith("broken.md:5: JOBLIB4J_NJOBS is not a joblib4j setting (")
        .contains("JOBLIB4J_N_JOBS");
    assertThat(problems.get(2))
        .isEqualTo(
            "broken.md:6: JOBLIB4J_BACKEND_SPARK_MASTER is no option of a backend this check knows"
                + " (dask, ray): add the backend's option names to DeploySnippetsTest"
                + " (the bash block at line 2)");
  }

  @Test
  void shellThatDoesNotParseAndBlocksNoCheckReadsAreReported() {
    String page =
        lines(
            "```bash", // 1
            "sudo apt-get update", // 2
            "for host in a b; do", // 3
            "  ssh \"$host\" true", // 4
            "```", // 5
            "```", // 6
            "kubectl apply -f dask.yaml", // 7
            "```", // 8
            "```yaml"); // 9: never closed

    List<String> problems = check(page);

    assertThat(withoutShellWords(problems))
        .containsExactly(
            "broken.md:9: this fence is never closed",
            "broken.md:5: bash -n: … (the bash block at line 1)",
            "broken.md:6: a block without a language is not checked: name one (yaml, dockerfile,"
                + " bash) (the block at line 6)");
    assertThat(problems.get(1)).containsIgnoringCase("syntax error");
  }

  // ------------------------------------------------------------------ support

  private static List<String> check(String page) {
    return new SnippetChecker("broken.md", OPTIONS).check(page);
  }

  /** The shell's own words differ between versions of sh and bash: only the line is compared. */
  private static List<String> withoutShellWords(List<String> problems) {
    return problems.stream()
        .map(
            p ->
                p.replaceAll("(sh|bash) -n: .*(?= \\(the \\w+ block at line \\d+\\)$)", "$1 -n: …"))
        .collect(Collectors.toList());
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  private static String read(String relative) throws IOException {
    return Files.readString(repositoryRoot().resolve(relative), StandardCharsets.UTF_8);
  }

  /**
   * The repository's root: the first folder from the working directory up (Maven runs the tests in
   * the module's folder, an IDE perhaps in the root) that holds the docs and this module.
   */
  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(PAGE))
          && Files.isRegularFile(p.resolve("integration-tests/pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "No folder from " + Path.of("").toAbsolutePath() + " up holds " + PAGE);
  }
}
