package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.joblib4j.Parallel.delayed;
import static org.joblib4j.backend.dask.DaskTestSupport.dask;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The private local cluster is reachable only with its own ephemeral credentials: another local
 * user connecting to its scheduler or a worker over plain TCP (what {@code Client(addr)} does) is
 * refused, while joblib4j's calls work.
 */
@Timeout(180)
class DaskLocalClusterSecurityTest {
  /** Connects to each address as a stranger would: the plain {@code tcp://} Dask handshake. */
  private static final String STRANGER =
      String.join(
          "\n",
          "import asyncio, sys",
          "from distributed import Client",
          "from distributed.comm import connect",
          "async def worker(plain):",
          "    comm = await connect(plain, timeout=5)",
          "    await comm.write({'op': 'identity'})",
          "    return await comm.read()",
          "for i, addr in enumerate(sys.argv[1:]):",
          "    plain = 'tcp://' + addr.split('://', 1)[1]",
          "    try:",
          "        if i == 0:",
          "            Client(plain, timeout=5).close()",
          "        else:",
          "            asyncio.run(worker(plain))",
          "        print('ACCEPTED', plain, flush=True)",
          "    except Exception as e:",
          "        print('REFUSED', plain, type(e).__name__ + ':', e, flush=True)",
          "");

  @BeforeAll
  static void requireDask() {
    DaskTestSupport.requireDask();
  }

  @Test
  void theLocalClusterRefusesConnectionsWithoutItsCredentials() throws Exception {
    Map<String, Object> o = Map.of("scheduler", "local:1");
    DaskClient c = DaskClient.connect(o);
    try {
      assertThat(
              dask(o)
                  .build()
                  .<Integer>run(
                      IntStream.range(0, 4).mapToObj(i -> delayed(DaskTestSupport::inc, i))))
          .containsExactly(1, 2, 3, 4);
      String scheduler = c.schedulerAddress();
      List<String> workers = new ArrayList<>(c.workers().keySet());
      assertThat(scheduler).startsWith("tls://127.0.0.1:");
      assertThat(workers).hasSize(1).allSatisfy(w -> assertThat(w).startsWith("tls://127.0.0.1:"));

      List<String> addresses = new ArrayList<>(List.of(scheduler));
      addresses.addAll(workers);
      List<String> lines = stranger(addresses);
      assertThat(lines).hasSize(addresses.size());
      for (int i = 0; i < addresses.size(); i++) {
        String plain = "tcp://" + addresses.get(i).substring("tls://".length());
        assertThat(lines.get(i))
            .startsWith("REFUSED " + plain + " ")
            .contains("Timed out during handshake while connecting to " + plain);
      }
      // refused, not broken: joblib4j still runs on it
      assertThat(dask(o).build().<Integer>run(List.of(delayed(DaskTestSupport::inc, 41))))
          .containsExactly(42);
    } finally {
      c.close();
    }
  }

  @Test
  void localTlsFalseGivesAPlainTcpCluster() {
    Map<String, Object> o = Map.of("scheduler", "local:1", "local-tls", "false");
    DaskClient c = DaskClient.connect(o);
    try {
      assertThat(c.schedulerAddress()).startsWith("tcp://127.0.0.1:");
      assertThat(dask(o).build().<Integer>run(List.of(delayed(DaskTestSupport::inc, 1))))
          .containsExactly(2);
    } finally {
      c.close();
    }
  }

  @Test
  void withoutCryptographyTheLocalClusterSaysWhatToInstall() throws IOException {
    // an interpreter on which `import cryptography` fails, as on a machine without
    // python3-cryptography
    Path dir = DaskTestSupport.testDir("no-cryptography");
    Path pkg = Files.createDirectories(dir.resolve("hide").resolve("cryptography"));
    Files.writeString(
        pkg.resolve("__init__.py"), "raise ImportError('No module named cryptography (hidden)')\n");
    Path python = dir.resolve("python3");
    Files.writeString(
        python,
        "#!/bin/sh\nPYTHONPATH="
            + dir.resolve("hide")
            + " exec "
            + DaskTestSupport.PYTHON
            + " \"$@\"\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
    Map<String, Object> o = Map.of("scheduler", "local:1", "python", python.toString());
    assertThatThrownBy(() -> dask(o).build().run(List.of(delayed(DaskTestSupport::inc, 1))))
        .isInstanceOf(DaskUnavailableException.class)
        .hasMessage(
            "The private local Dask cluster is secured with ephemeral mutual TLS (Dask's Security.temporary()),"
                + " which needs the cryptography package: "
                + python
                + " cannot import it (Using"
                + " `Security.temporary` requires `cryptography`, please install it using either pip or conda)."
                + " On Debian or Ubuntu: sudo apt-get install python3-cryptography. Or set"
                + " joblib4j.backend.dask.local-tls=false to accept that every local user can run code in the"
                + " cluster.");
  }

  private static List<String> stranger(List<String> addresses)
      throws IOException, InterruptedException {
    Path script = DaskTestSupport.testDir("stranger").resolve("stranger.py");
    Files.writeString(script, STRANGER, StandardCharsets.UTF_8);
    List<String> cmd = new ArrayList<>(List.of(DaskTestSupport.PYTHON, script.toString()));
    cmd.addAll(addresses);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the stranger's script ended").isTrue();
    return out.lines().toList();
  }
}
