package org.joblib4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memory-mapped array travels as a reference to its file and is mapped again where it is read, in
 * its own mode, only if the file is still the one the caller opened.
 */
class MemmapReferenceTest {
  @TempDir Path dir;

  static byte[] serialize(Object o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  static Object deserialize(byte[] bytes) throws Exception {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T o) throws Exception {
    return (T) deserialize(serialize(o));
  }

  @Test
  void aWritePlusArrayIsMappedAgainReadWriteAndSharesItsWrites() throws Exception {
    try (MemmapDoubleArray out = MemmapDoubleArray.create(dir.resolve("out.bin"), 3)) {
      out.set(0, 1);
      MemmapDoubleArray copy = roundTrip(out);
      assertThat(copy).isNotSameAs(out);
      // joblib: w+ becomes r+ where it is mapped again, so the data is not zeroed
      assertThat(copy.mode()).isEqualTo(MmapMode.READ_WRITE);
      assertThat(copy.get(0)).isEqualTo(1);
      assertThat(copy.file()).isEqualTo(out.file());
      copy.set(2, 3);
      assertThat(out.get(2)).isEqualTo(3);
      copy.close();
      assertThat(out.get(2)).isEqualTo(3);
    }
  }

  @Test
  void aReadOnlyArrayStaysReadOnly() throws Exception {
    Path file = dir.resolve("in.bin");
    MemmapDoubleArray.create(file, 2).close();
    try (MemmapDoubleArray in = MemmapDoubleArray.open(file, MmapMode.READ_ONLY)) {
      MemmapDoubleArray copy = roundTrip(in);
      assertThat(copy.mode()).isEqualTo(MmapMode.READ_ONLY);
      assertThatThrownBy(() -> copy.set(0, 1))
          .isExactlyInstanceOf(UnsupportedOperationException.class)
          .hasMessageStartingWith("assignment destination is read-only: MemmapDoubleArray[");
    }
  }

  @Test
  void aCopyOnWriteArrayKeepsEachMappingsWritesApart() throws Exception {
    Path file = dir.resolve("in.bin");
    try (MemmapLongArray init = MemmapLongArray.create(file, 2)) {
      init.set(0, 5);
    }
    try (MemmapLongArray mine = MemmapLongArray.open(file, MmapMode.COPY_ON_WRITE)) {
      MemmapLongArray copy = roundTrip(mine);
      assertThat(copy.mode()).isEqualTo(MmapMode.COPY_ON_WRITE);
      copy.set(0, 50);
      mine.set(1, 60);
      assertThat(copy.toArray()).containsExactly(50, 0);
      assertThat(mine.toArray()).containsExactly(5, 60);
    }
    try (MemmapLongArray file2 = MemmapLongArray.open(file, MmapMode.READ_ONLY)) {
      assertThat(file2.toArray()).containsExactly(5, 0);
    }
  }

  /** A task's argument holding arrays. */
  record Job(MemmapDoubleArray out, List<MemmapIntArray> counts, int row) implements Serializable {}

  @Test
  void arraysInsideRecordsAndListsTravelAsReferencesToo() throws Exception {
    try (MemmapDoubleArray out = MemmapDoubleArray.create(dir.resolve("out.bin"), 2);
        MemmapIntArray counts = MemmapIntArray.create(dir.resolve("counts.bin"), 2)) {
      Job copy = roundTrip(new Job(out, List.of(counts, counts), 1));
      // one reference in the stream: one mapping on the other side
      assertThat(copy.counts().get(0)).isSameAs(copy.counts().get(1));
      copy.out().set(copy.row(), 2.5);
      copy.counts().get(0).set(copy.row(), 7);
      assertThat(out.get(1)).isEqualTo(2.5);
      assertThat(counts.get(1)).isEqualTo(7);
      // what travels is the reference: bytes, not the values
      assertThat(serialize(out).length).isLessThan(1024);
    }
  }

  @Test
  void aDeletedFileSaysTheWorkersMustSeeTheCallersFiles() throws Exception {
    Path file = dir.resolve("out.bin");
    MemmapDoubleArray out = MemmapDoubleArray.create(file, 2);
    byte[] sent = serialize(out);
    Files.delete(file);
    assertThatThrownBy(() -> deserialize(sent))
        .isExactlyInstanceOf(InvalidObjectException.class)
        .hasMessage(
            "The memory-mapped array file "
                + out.file()
                + " is not on this machine, or was deleted: a MemmapArray travels as a reference"
                + " to its file, so it works only where the workers see the caller's files"
                + " (worker JVMs on the caller's host).");
  }

  /** Puts {@code replacement} where the array's file was, after the array was sent. */
  private void assertRefusedOnceReplacedBy(Path replacement, String why) throws Exception {
    Path file = dir.resolve("out.bin");
    MemmapDoubleArray out = MemmapDoubleArray.create(file, 2);
    byte[] sent = serialize(out);
    Files.move(
        replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThatThrownBy(() -> deserialize(sent))
        .isExactlyInstanceOf(InvalidObjectException.class)
        .hasMessage(
            "The memory-mapped array file "
                + out.file()
                + " was refused: "
                + why
                + " (a MemmapArray maps only the very file the caller opened).");
  }

  @Test
  void aReplacedFileIsRefused() throws Exception {
    assertRefusedOnceReplacedBy(
        Files.write(dir.resolve("other.bin"), new byte[16]),
        "it is not the file the caller opened (its device and inode differ: another machine's"
            + " file system, or the file was replaced since)");
  }

  @Test
  void aSymbolicLinkPutInItsPlaceIsRefused() throws Exception {
    Path secret = Files.write(dir.resolve("secret.bin"), new byte[16]);
    assertRefusedOnceReplacedBy(
        Files.createSymbolicLink(dir.resolve("link.bin"), secret),
        "it is a symbolic link or not a regular file");
  }

  @Test
  void aTruncatedFileIsNeitherMappedNorExtended() throws Exception {
    Path file = dir.resolve("out.bin");
    MemmapDoubleArray out = MemmapDoubleArray.create(file, 5);
    byte[] sent = serialize(out);
    out.close();
    try (var ch =
        java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(8);
    }
    assertThatThrownBy(() -> deserialize(sent))
        .isExactlyInstanceOf(InvalidObjectException.class)
        .hasMessage(
            "The memory-mapped array file "
                + out.file()
                + " has 8 bytes, fewer than the 40 its array needs: it was truncated since the"
                + " caller opened it.");
    assertThat(Files.size(file)).isEqualTo(8);
  }

  private MemmapReference referenceTo(Path file, String owner) throws Exception {
    Path real = file.toRealPath();
    Object key =
        Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    return new MemmapReference(
        'D', real.toString(), String.valueOf(key), owner, MmapMode.READ_ONLY, 0, 1);
  }

  @Test
  void aFileOfAnotherOwnerThanRecordedIsRefused() throws Exception {
    Path file = Files.write(dir.resolve("in.bin"), new byte[8]);
    String me = Files.getOwner(file).getName();
    byte[] forged = serialize(referenceTo(file, "mallory"));
    assertThatThrownBy(() -> deserialize(forged))
        .isExactlyInstanceOf(InvalidObjectException.class)
        .hasMessage(
            "The memory-mapped array file "
                + file.toRealPath()
                + " was refused: it belongs to "
                + me
                + ", not to mallory as when it was opened (a MemmapArray maps only the very file"
                + " the caller opened).");
    // the same reference with the right owner maps
    MemmapDoubleArray a = (MemmapDoubleArray) deserialize(serialize(referenceTo(file, me)));
    assertThat(a.toArray()).containsExactly(0);
  }

  @Test
  void forgedReferencesAreRefused() throws Exception {
    byte[] relative =
        serialize(new MemmapReference('D', "out.bin", "k", "me", MmapMode.READ_ONLY, 0, 1));
    assertThatThrownBy(() -> deserialize(relative))
        .isExactlyInstanceOf(InvalidObjectException.class)
        .hasMessage(
            "The memory-mapped array file out.bin was refused: its path is not absolute (a"
                + " MemmapArray maps only the very file the caller opened).");
    Path file = Files.write(dir.resolve("in.bin"), new byte[8]);
    MemmapReference good = referenceTo(file, Files.getOwner(file).getName());
    byte[] unknownKind =
        serialize(
            new MemmapReference('Q', good.path(), good.fileKey(), good.owner(), good.mode(), 0, 1));
    assertThatThrownBy(() -> deserialize(unknownKind))
        .isExactlyInstanceOf(InvalidObjectException.class)
        .hasMessage(
            "Could not map the memory-mapped array file "
                + good.path()
                + " in mode \"r\": java.io.IOException: A memory-mapped array reference has an"
                + " unknown kind Q");
  }

  @Test
  void aClosedArrayCannotTravel() throws Exception {
    MemmapDoubleArray out = MemmapDoubleArray.create(dir.resolve("out.bin"), 1);
    out.close();
    assertThatThrownBy(() -> serialize(out))
        .isExactlyInstanceOf(InvalidObjectException.class)
        .hasMessage(
            "MemmapDoubleArray["
                + out.file()
                + ", mode \"w+\", 1 value] is closed: it cannot travel to a worker");
  }
}
