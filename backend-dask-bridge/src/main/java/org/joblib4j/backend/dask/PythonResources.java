package org.joblib4j.backend.dask;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.joblib4j.process.PrivateFolders;

/**
 * The bridge's Python files, shipped inside this jar and extracted at run time into a private,
 * content-addressed folder ({@code <tmp>/joblib4j-dask-<user>/py-<hash>}, mode 0700). The sidecar
 * is started by {@code jbridge_boot.py}, passed with {@code python3 -c} together with each file's
 * SHA-256: Python checks the bytes it reads once and runs those, so a file swapped on disk never
 * runs.
 */
final class PythonResources {
  static final String[] FILES = {"jbridge_core.py", "jbridge_shim.py", "jbridge_sidecar.py"};
  private static final String PREFIX = "/org/joblib4j/backend/dask/python/";
  private static Map<String, byte[]> sources;
  private static Path extracted;

  private PythonResources() {}

  /**
   * The command that starts the sidecar from the extracted files, checking their hashes.
   *
   * @param python the interpreter
   * @return the command
   */
  static List<String> command(String python) {
    return command(python, folder());
  }

  /**
   * The command that starts the sidecar from the files in {@code dir}, checking their hashes.
   *
   * @param python the interpreter
   * @param dir where the files are
   * @return the command
   */
  static List<String> command(String python, Path dir) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python,
                "-c",
                new String(resource("jbridge_boot.py"), StandardCharsets.UTF_8),
                dir.toString()));
    for (Map.Entry<String, byte[]> e : sources().entrySet()) {
      cmd.add(
          e.getKey().substring(0, e.getKey().length() - ".py".length())
              + "="
              + HexFormat.of().formatHex(sha256().digest(e.getValue())));
    }
    return cmd;
  }

  /** The files' names and bytes, from this jar. */
  static synchronized Map<String, byte[]> sources() {
    if (sources == null) {
      Map<String, byte[]> files = new LinkedHashMap<>();
      for (String f : FILES) {
        files.put(f, resource(f));
      }
      sources = files;
    }
    return sources;
  }

  private static byte[] resource(String name) {
    try (InputStream in = PythonResources.class.getResourceAsStream(PREFIX + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "The joblib4j dask bridge jar is incomplete: " + PREFIX + name + " is missing.");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not read " + PREFIX + name + " from the dask bridge jar: " + e.getMessage(), e);
    }
  }

  /**
   * Extracts the files once per JVM.
   *
   * @return the folder holding them
   */
  static synchronized Path folder() {
    if (extracted != null && Files.isRegularFile(extracted.resolve("jbridge_sidecar.py"))) {
      return extracted;
    }
    try {
      MessageDigest md = sha256();
      for (Map.Entry<String, byte[]> e : sources().entrySet()) {
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        md.update(e.getValue());
      }
      String hash = HexFormat.of().formatHex(md.digest()).substring(0, 16);
      Path dir = PrivateFolders.create(DaskFolders.privateBase().resolve("py-" + hash));
      for (Map.Entry<String, byte[]> e : sources().entrySet()) {
        Path target = dir.resolve(e.getKey());
        if (Files.isRegularFile(target)
            && java.util.Arrays.equals(Files.readAllBytes(target), e.getValue())) {
          continue;
        }
        Path tmp = Files.createTempFile(dir, e.getKey(), ".tmp");
        Files.write(tmp, e.getValue());
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      extracted = dir;
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not extract the dask bridge's Python files: " + e.getMessage(), e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
