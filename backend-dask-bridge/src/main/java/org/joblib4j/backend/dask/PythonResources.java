package org.joblib4j.backend.dask;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.joblib4j.core.process.PrivateFolders;

/**
 * The bridge's Python files, shipped inside this jar and extracted at run time into a private,
 * content-addressed folder ({@code <tmp>/joblib4j-dask-<user>/py-<hash>}, mode 0700).
 */
final class PythonResources {
  static final String[] FILES = {"jbridge_core.py", "jbridge_shim.py", "jbridge_sidecar.py"};
  private static final String PREFIX = "/org/joblib4j/backend/dask/python/";
  private static Path extracted;

  private PythonResources() {}

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
      Map<String, byte[]> files = new LinkedHashMap<>();
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String f : FILES) {
        try (InputStream in = PythonResources.class.getResourceAsStream(PREFIX + f)) {
          if (in == null) {
            throw new IllegalStateException("The joblib4j dask bridge jar is incomplete: " + PREFIX + f + " is missing.");
          }
          byte[] b = in.readAllBytes();
          files.put(f, b);
          md.update(f.getBytes(java.nio.charset.StandardCharsets.UTF_8));
          md.update(b);
        }
      }
      String hash = HexFormat.of().formatHex(md.digest()).substring(0, 16);
      Path dir = PrivateFolders.create(ClasspathShipper.privateBase().resolve("py-" + hash));
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        Path target = dir.resolve(e.getKey());
        if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), e.getValue())) {
          continue;
        }
        Path tmp = Files.createTempFile(dir, e.getKey(), ".tmp");
        Files.write(tmp, e.getValue());
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      extracted = dir;
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not extract the dask bridge's Python files: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
