package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InvalidObjectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.joblib4j.MmapMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A memory-mapped array reference resolves only inside its call's own memmapping folder. */
class MappedArraysTest {
  @TempDir Path base;

  private final JavaTaskSerializer worker =
      JavaTaskSerializer.forWorker(null, MappedArrays.forWorker());

  /** A spiller's reference to a real array in a real call folder. */
  private SpilledArray spilled(ArraySpiller spiller, double[] data) {
    return (SpilledArray) spiller.replace(data);
  }

  private static SpilledArray forged(Path path) {
    return new SpilledArray(path, 'D', 2, null, false);
  }

  @Test
  void aReferenceInsideItsCallFolderResolvesOncePerCall() throws Exception {
    MappedArrays arrays = MappedArrays.forWorker();
    try (ArraySpiller spiller = new ArraySpiller(base, 8)) {
      SpilledArray ref = spilled(spiller, new double[] {1, 2, 3});
      Object first = arrays.load(ref);
      assertThat((double[]) first).containsExactly(1, 2, 3);
      assertThat(arrays.load(ref)).isSameAs(first);
      assertThat(arrays.folders()).isEqualTo(1);
      arrays.releaseGone();
      assertThat(arrays.folders()).isEqualTo(1);
    }
    // the call ended: its folder is gone, and so are its arrays
    arrays.releaseGone();
    assertThat(arrays.folders()).isZero();
  }

  @Test
  void withCopyOnWriteOrNoneEachBatchGetsItsOwnCopy() throws Exception {
    for (MmapMode mode : new MmapMode[] {MmapMode.COPY_ON_WRITE, null}) {
      MappedArrays arrays = MappedArrays.forWorker();
      try (ArraySpiller spiller = new ArraySpiller(base, 8, mode)) {
        SpilledArray ref = spilled(spiller, new double[] {1, 2, 3});
        double[] first = (double[]) arrays.load(ref);
        first[0] = 42; // a task's write into its copy
        double[] second = (double[]) arrays.load(ref);
        assertThat(second).isNotSameAs(first).containsExactly(1, 2, 3);
        assertThat(arrays.folders()).isZero();
      }
    }
    for (MmapMode mode : new MmapMode[] {MmapMode.READ_ONLY, MmapMode.READ_WRITE, MmapMode.WRITE}) {
      MappedArrays arrays = MappedArrays.forWorker();
      try (ArraySpiller spiller = new ArraySpiller(base, 8, mode)) {
        SpilledArray ref = spilled(spiller, new double[] {1, 2, 3});
        // a Java array cannot be a mapping: one copy per worker and call
        assertThat(arrays.load(ref)).isSameAs(arrays.load(ref));
      }
    }
  }

  @Test
  void releaseLetsACallsArraysGo() throws Exception {
    MappedArrays arrays = MappedArrays.forWorker();
    try (ArraySpiller spiller = new ArraySpiller(base, 8)) {
      arrays.load(spilled(spiller, new double[] {1, 2, 3}));
      arrays.release(spiller.folder());
      assertThat(arrays.folders()).isZero();
    }
  }

  @Test
  void aReferenceLeavingItsFolderWithDotDotIsRefused() throws Exception {
    try (ArraySpiller spiller = new ArraySpiller(base, 8)) {
      spilled(spiller, new double[] {1, 2, 3});
      Path folder = spiller.folder();
      Path outside = Files.writeString(base.resolve("secret.bin"), "0123456789abcdef");
      Path sneaky = Path.of(folder + "/../secret.bin");
      assertThatThrownBy(() -> MappedArrays.forWorker().load(forged(sneaky)))
          .isInstanceOf(InvalidObjectException.class)
          .hasMessage(
              "The memory-mapped array reference "
                  + sneaky
                  + " was refused: it is not a file directly inside a"
                  + " joblib4j_memmapping_folder_* folder (a reference resolves only inside its call's own"
                  + " memmapping folder).");
      assertThat(outside).exists();
    }
  }

  @Test
  void aReferenceToAFileElsewhereIsRefused() throws Exception {
    Path elsewhere = Files.writeString(base.resolve("passwd"), "0123456789abcdef");
    assertThatThrownBy(() -> MappedArrays.forWorker().load(forged(elsewhere)))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessage(
            "The memory-mapped array reference "
                + elsewhere
                + " was refused: it is not a file directly inside a"
                + " joblib4j_memmapping_folder_* folder (a reference resolves only inside its call's own"
                + " memmapping folder).");
  }

  @Test
  void aSymbolicLinkInsideTheFolderIsRefused() throws Exception {
    Path secret = Files.writeString(base.resolve("secret.bin"), "0123456789abcdef");
    try (ArraySpiller spiller = new ArraySpiller(base, 8)) {
      spilled(spiller, new double[] {1, 2, 3});
      Path link = Files.createSymbolicLink(spiller.folder().resolve("link.bin"), secret);
      assertThatThrownBy(() -> MappedArrays.forWorker().load(forged(link)))
          .isInstanceOf(InvalidObjectException.class)
          .hasMessage(
              "The memory-mapped array reference "
                  + link
                  + " was refused: it is a symbolic link or not a regular"
                  + " file (a reference resolves only inside its call's own memmapping folder).");
    }
  }

  @Test
  void aSymbolicLinkAsTheFolderIsRefused() throws Exception {
    Path real = Files.createDirectory(base.resolve("real"));
    Files.writeString(real.resolve("a.bin"), "0123456789abcdef");
    Path linked = Files.createSymbolicLink(base.resolve(MappedArrays.FOLDER_PREFIX + "1_x"), real);
    Path ref = linked.resolve("a.bin");
    assertThatThrownBy(() -> MappedArrays.forWorker().load(forged(ref)))
        .isInstanceOf(InvalidObjectException.class)
        .hasMessage(
            "The memory-mapped array reference "
                + ref
                + " was refused: its folder is a symbolic link or not a"
                + " folder (a reference resolves only inside its call's own memmapping folder).");
  }

  @Test
  void aWorkerReadsABatchsReferencesWhileResultsRefuseThem() throws Exception {
    try (ArraySpiller spiller = new ArraySpiller(base, 8)) {
      JavaTaskSerializer parent = new JavaTaskSerializer(spiller, null);
      double[] data = {1, 2, 3};
      byte[] bytes = parent.serialize(new ArrayList<>(List.of(data)));
      assertThat((List<?>) worker.deserialize(bytes)).singleElement().isEqualTo(data);
      String file = spilled(spiller, data).path();
      assertThatThrownBy(
              () -> JavaTaskSerializer.forResults(null, "worker JVM 7").deserialize(bytes))
          .isInstanceOf(InvalidObjectException.class)
          .hasMessage(
              "A memory-mapped array reference ("
                  + file
                  + ") was refused: results and exceptions never travel as"
                  + " memory-mapped files.");
    }
  }
}
