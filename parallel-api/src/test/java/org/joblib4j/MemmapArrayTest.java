package org.joblib4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A memory-mapped array in the JVM that opened it: numpy's memmap modes, bounds and errors. */
class MemmapArrayTest {
  @TempDir Path dir;

  private Path filled(String name, double... values) throws Exception {
    Path file = dir.resolve(name);
    try (MemmapDoubleArray a = MemmapDoubleArray.create(file, values.length)) {
      a.copyFrom(values, 0, 0, values.length);
    }
    return file;
  }

  private static double[] doublesIn(Path file) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder());
    double[] values = new double[b.remaining() / Double.BYTES];
    b.asDoubleBuffer().get(values);
    return values;
  }

  @Test
  void createMapsZerosInAFileOnlyItsOwnerMayRead() throws Exception {
    Path file = dir.resolve("out.bin");
    try (MemmapDoubleArray a = MemmapDoubleArray.create(file, 5)) {
      assertThat(a.length()).isEqualTo(5);
      assertThat(a.mode()).isEqualTo(MmapMode.WRITE);
      assertThat(a.offset()).isZero();
      assertThat(a.file()).isEqualTo(dir.toRealPath().resolve("out.bin"));
      assertThat(a.toArray()).containsExactly(0, 0, 0, 0, 0);
      assertThat(a.toString())
          .isEqualTo("MemmapDoubleArray[" + a.file() + ", mode \"w+\", 5 values]");
    }
    assertThat(Files.size(file)).isEqualTo(40);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void writesGoToTheFileInNativeByteOrderAndEveryMappingSeesThem() throws Exception {
    Path file = dir.resolve("out.bin");
    try (MemmapDoubleArray out = MemmapDoubleArray.create(file, 3);
        MemmapDoubleArray reader = MemmapDoubleArray.open(file, MmapMode.READ_ONLY)) {
      out.set(0, 1.5);
      out.set(2, -4);
      assertThat(reader.get(0)).isEqualTo(1.5);
      assertThat(reader.get(2)).isEqualTo(-4);
      out.flush();
    }
    assertThat(doublesIn(file)).containsExactly(1.5, 0, -4);
  }

  @Test
  void aReadOnlyArrayRefusesWritesWithNumpysMessage() throws Exception {
    Path file = filled("in.bin", 1, 2);
    try (MemmapDoubleArray a = MemmapDoubleArray.open(file, MmapMode.READ_ONLY)) {
      assertThatThrownBy(() -> a.set(0, 9))
          .isExactlyInstanceOf(UnsupportedOperationException.class)
          .hasMessage(
              "assignment destination is read-only: MemmapDoubleArray["
                  + a.file()
                  + ", mode \"r\", 2 values] is mapped in mode \"r\" (open it in mode \"r+\" for"
                  + " writes that every process sees, or \"c\" for writes that stay in each"
                  + " mapping)")
          .hasCauseInstanceOf(ReadOnlyBufferException.class);
      assertThatThrownBy(() -> a.copyFrom(new double[] {9}, 0, 1, 1))
          .isExactlyInstanceOf(UnsupportedOperationException.class)
          .hasMessageStartingWith("assignment destination is read-only");
      assertThat(a.toArray()).containsExactly(1, 2);
    }
  }

  @Test
  void copyOnWriteKeepsWritesInItsOwnMapping() throws Exception {
    Path file = filled("in.bin", 1, 2, 3);
    try (MemmapDoubleArray mine = MemmapDoubleArray.open(file, MmapMode.COPY_ON_WRITE);
        MemmapDoubleArray other = MemmapDoubleArray.open(file, MmapMode.READ_ONLY)) {
      mine.set(1, 20);
      mine.flush(); // nothing to write: the file never changes
      assertThat(mine.toArray()).containsExactly(1, 20, 3);
      assertThat(other.toArray()).containsExactly(1, 2, 3);
    }
    assertThat(doublesIn(file)).containsExactly(1, 2, 3);
  }

  @Test
  void readWriteSharesWritesAndExtendsAShortFileAsNumpyDoes() throws Exception {
    Path file = filled("in.bin", 1, 2);
    try (MemmapDoubleArray a = MemmapDoubleArray.open(file, MmapMode.READ_WRITE, 0, 4)) {
      assertThat(a.toArray()).containsExactly(1, 2, 0, 0);
      a.set(3, 4);
    }
    assertThat(doublesIn(file)).containsExactly(1, 2, 0, 4);
  }

  @Test
  void anOffsetAndALengthMapPartOfTheFile() throws Exception {
    Path file = filled("in.bin", 1, 2, 3, 4);
    try (MemmapDoubleArray a = MemmapDoubleArray.open(file, MmapMode.READ_ONLY, 8, 2);
        MemmapDoubleArray rest = MemmapDoubleArray.open(file, MmapMode.READ_ONLY, 16, 2)) {
      assertThat(a.toArray()).containsExactly(2, 3);
      assertThat(a.offset()).isEqualTo(8);
      assertThat(a.toString()).endsWith(", mode \"r\", 2 values from byte 8]");
      assertThat(rest.toArray()).containsExactly(3, 4);
    }
  }

  @Test
  void indexesOutsideTheArrayFailAsAJavaArraysDo() throws Exception {
    try (MemmapDoubleArray a = MemmapDoubleArray.create(dir.resolve("a.bin"), 5)) {
      assertThatThrownBy(() -> a.get(5))
          .isExactlyInstanceOf(IndexOutOfBoundsException.class)
          .hasMessage("Index 5 out of bounds for length 5");
      assertThatThrownBy(() -> a.set(-1, 0))
          .isExactlyInstanceOf(IndexOutOfBoundsException.class)
          .hasMessage("Index -1 out of bounds for length 5");
      assertThatThrownBy(() -> a.copyTo(3, new double[5], 0, 3))
          .isExactlyInstanceOf(IndexOutOfBoundsException.class)
          .hasMessage("Range [3, 3 + 3) out of bounds for length 5");
      assertThatThrownBy(() -> a.copyTo(0, new double[2], 1, 2))
          .isExactlyInstanceOf(IndexOutOfBoundsException.class)
          .hasMessage("Range [1, 1 + 2) out of bounds for length 2");
    }
  }

  @Test
  void aClosedArrayFailsClearlyAndKeepsItsFile() throws Exception {
    Path file = dir.resolve("a.bin");
    MemmapDoubleArray a = MemmapDoubleArray.create(file, 2);
    a.set(1, 7);
    a.close();
    a.close();
    assertThat(a.isClosed()).isTrue();
    String closed = "MemmapDoubleArray[" + a.file() + ", mode \"w+\", 2 values] is closed";
    assertThatThrownBy(() -> a.get(0))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage(closed);
    assertThatThrownBy(() -> a.set(0, 1)).hasMessage(closed);
    assertThatThrownBy(a::toArray).hasMessage(closed);
    assertThatThrownBy(a::flush).hasMessage(closed);
    assertThat(doublesIn(file)).containsExactly(0, 7);
  }

  @Test
  void badArgumentsSayWhatIsWrong() throws Exception {
    Path file = filled("in.bin", 1, 2);
    assertThatThrownBy(() -> MemmapDoubleArray.open(file, MmapMode.WRITE))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("mode \"w+\" creates the file: use create(file, length) instead of open");
    assertThatThrownBy(() -> MemmapDoubleArray.open(file, null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("mode");
    assertThatThrownBy(() -> MemmapDoubleArray.create(dir.resolve("x.bin"), -1))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("length must be >= 0, got: -1");
    assertThatThrownBy(() -> MemmapDoubleArray.open(file, MmapMode.READ_ONLY, 0, -2))
        .hasMessage("length must be >= 0, got: -2");
    assertThatThrownBy(() -> MemmapDoubleArray.open(file, MmapMode.READ_ONLY, -8, 1))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("offset must be >= 0, got: -8");
    assertThatThrownBy(() -> MemmapDoubleArray.create(dir.resolve("x.bin"), Long.MAX_VALUE / 4))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("length " + Long.MAX_VALUE / 4 + " at offset 0 is past the largest file size");
    Path real = file.toRealPath();
    assertThatThrownBy(() -> MemmapDoubleArray.open(file, MmapMode.READ_ONLY, 0, 3))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "mmap length is greater than file size: "
                + real
                + " has 16 bytes, fewer than the 24 that offset 0 and 3 values of 8 bytes need");
    assertThatThrownBy(() -> MemmapDoubleArray.open(file, MmapMode.COPY_ON_WRITE, 8, 2))
        .hasMessageStartingWith("mmap length is greater than file size: ");
    assertThatThrownBy(() -> MemmapDoubleArray.open(file, MmapMode.READ_ONLY, 24, 0))
        .hasMessageStartingWith("mmap length is greater than file size: ");
    assertThat(Files.size(file)).isEqualTo(16);
  }

  @Test
  void aWholeFileMustHoldWholeValues() throws Exception {
    Path odd = Files.write(dir.resolve("odd.bin"), new byte[13]);
    Path real = odd.toRealPath();
    assertThatThrownBy(() -> MemmapDoubleArray.open(odd, MmapMode.READ_ONLY))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Size of available data is not a multiple of the data-type size: "
                + real
                + " has 13 bytes after offset 0, not a whole number of 8-byte values");
    assertThatThrownBy(() -> MemmapDoubleArray.open(odd, MmapMode.READ_ONLY, 14, 0))
        .hasMessageStartingWith("mmap length is greater than file size");
    try (MemmapIntArray ints = MemmapIntArray.open(odd, MmapMode.READ_ONLY, 1, 3)) {
      assertThat(ints.toArray()).containsExactly(0, 0, 0);
    }
  }

  @Test
  void theFileMustBeARegularFileThatExists() throws Exception {
    assertThatThrownBy(() -> MemmapDoubleArray.open(dir, MmapMode.READ_ONLY))
        .isInstanceOf(FileSystemException.class)
        .hasMessage(
            dir.toRealPath() + ": is not a regular file: a MemmapArray maps a regular file");
    assertThatThrownBy(() -> MemmapDoubleArray.open(dir.resolve("missing.bin"), MmapMode.READ_ONLY))
        .isInstanceOf(java.nio.file.NoSuchFileException.class)
        .hasMessage(dir.resolve("missing.bin").toString());
    assertThatThrownBy(() -> MemmapDoubleArray.create(dir.resolve("no/such/folder.bin"), 1))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }

  @Test
  void createRefusesASymbolicLinkAndLeavesItsTargetAlone() throws Exception {
    Path target = filled("target.bin", 1, 2);
    Path link = Files.createSymbolicLink(dir.resolve("link.bin"), target);
    assertThatThrownBy(() -> MemmapDoubleArray.create(link, 4))
        .isInstanceOf(FileSystemException.class)
        .hasMessage(
            dir.toRealPath().resolve("link.bin")
                + ": is a symbolic link: create the array on its target, or on another path");
    assertThat(doublesIn(target)).containsExactly(1, 2);
  }

  @Test
  void openFollowsASymbolicLinkToItsTarget() throws Exception {
    Path target = filled("target.bin", 1, 2);
    Path link = Files.createSymbolicLink(dir.resolve("link.bin"), target);
    try (MemmapDoubleArray a = MemmapDoubleArray.open(link, MmapMode.READ_ONLY)) {
      assertThat(a.file()).isEqualTo(target.toRealPath());
      assertThat(a.toArray()).containsExactly(1, 2);
    }
  }

  @Test
  void createEmptiesAnExistingFileAsNumpysWritePlusDoes() throws Exception {
    Path file = filled("in.bin", 1, 2, 3);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    try (MemmapDoubleArray a = MemmapDoubleArray.create(file, 2)) {
      assertThat(a.toArray()).containsExactly(0, 0);
    }
    assertThat(Files.size(file)).isEqualTo(16);
    // an existing file keeps the permissions its owner gave it
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r-----");
  }

  @Test
  void anEmptyArrayHasNoValues() throws Exception {
    try (MemmapDoubleArray a = MemmapDoubleArray.create(dir.resolve("empty.bin"), 0)) {
      assertThat(a.toArray()).isEmpty();
      assertThatThrownBy(() -> a.get(0)).hasMessage("Index 0 out of bounds for length 0");
    }
  }

  @Test
  void longAndIntArraysUseTheirWidths() throws Exception {
    Path longs = dir.resolve("longs.bin");
    Path ints = dir.resolve("ints.bin");
    try (MemmapLongArray l = MemmapLongArray.create(longs, 3);
        MemmapIntArray i = MemmapIntArray.create(ints, 3)) {
      l.set(2, Long.MIN_VALUE);
      l.copyFrom(new long[] {7, 8}, 0, 0, 2);
      i.set(1, -5);
      i.copyFrom(new int[] {9}, 0, 2, 1);
      assertThat(l.toArray()).containsExactly(7, 8, Long.MIN_VALUE);
      assertThat(i.toArray()).containsExactly(0, -5, 9);
      int[] part = new int[4];
      i.copyTo(1, part, 2, 2);
      assertThat(part).containsExactly(0, 0, -5, 9);
    }
    assertThat(Files.size(longs)).isEqualTo(24);
    assertThat(Files.size(ints)).isEqualTo(12);
    try (MemmapLongArray l = MemmapLongArray.open(longs, MmapMode.READ_ONLY);
        MemmapIntArray i = MemmapIntArray.open(ints, MmapMode.READ_ONLY)) {
      assertThat(l.get(0)).isEqualTo(7);
      assertThat(i.get(2)).isEqualTo(9);
      assertThat(l.toString()).startsWith("MemmapLongArray[");
    }
  }

  @Test
  void valuesAndBulkCopiesCrossChunkBoundaries() throws Exception {
    // 16-byte chunks: two doubles a mapping; a 1 GiB chunk behaves the same past 2 GiB
    Path file = dir.resolve("chunks.bin");
    MemmapDoubleArray a =
        new MemmapDoubleArray(MemmapFiles.create(file, 7, Double.BYTES, 4), MmapMode.WRITE, 0);
    double[] values = {1, 2, 3, 4, 5, 6, 7};
    a.copyFrom(values, 0, 0, 7);
    for (int i = 0; i < 7; i++) {
      assertThat(a.get(i)).isEqualTo(values[i]);
    }
    double[] middle = new double[5];
    a.copyTo(1, middle, 0, 5);
    assertThat(middle).containsExactly(2, 3, 4, 5, 6);
    a.close();
    // an offset that is not a multiple of the chunk: chunks start at the offset
    MemmapDoubleArray shifted =
        new MemmapDoubleArray(
            MemmapFiles.open(file, MmapMode.READ_WRITE, 8, 5, Double.BYTES, 4),
            MmapMode.READ_WRITE,
            8);
    assertThat(shifted.toArray()).containsExactly(2, 3, 4, 5, 6);
    shifted.set(4, 60);
    shifted.close();
    assertThat(doublesIn(file)).containsExactly(1, 2, 3, 4, 5, 60, 7);
  }
}
