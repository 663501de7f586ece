package org.joblib4j.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record is whole or ignored, whoever writes it and however it was cut. */
class CheckpointFolderTest {
  private static final String KEY = "a".repeat(64);

  @TempDir Path dir;

  private CheckpointFolder folder() {
    return new CheckpointFolder(dir.resolve("records").toString());
  }

  @Test
  void aRecordReadsBackWithItsValueAndNullIsAValue() throws IOException {
    folder().write(KEY, List.of(1, 2, 3));
    folder().write("b".repeat(64), null);
    assertThat(folder().read(KEY)).hasValue(new CheckpointFolder.Recorded(List.of(1, 2, 3)));
    assertThat(folder().read("b".repeat(64))).hasValue(new CheckpointFolder.Recorded(null));
    assertThat(folder().read("c".repeat(64))).isEmpty();
  }

  @Test
  void aTruncatedRecordIsIgnored() throws IOException {
    folder().write(KEY, "a result long enough to be cut in the middle");
    Path file = dir.resolve("records").resolve(KEY + ".result");
    byte[] whole = Files.readAllBytes(file);
    for (int length : new int[] {0, 5, whole.length / 2, whole.length - 1}) {
      Files.write(file, java.util.Arrays.copyOf(whole, length));
      assertThat(folder().read(KEY)).as("cut at %d of %d bytes", length, whole.length).isEmpty();
    }
  }

  @Test
  void aRecordWithAChangedByteIsIgnored() throws IOException {
    folder().write(KEY, "a result");
    Path file = dir.resolve("records").resolve(KEY + ".result");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 40] ^= 1;
    Files.write(file, bytes);
    assertThat(folder().read(KEY)).isEmpty();
  }

  @Test
  void aFileThatIsNoRecordIsIgnored() throws IOException {
    Files.createDirectories(dir.resolve("records"));
    Files.writeString(
        dir.resolve("records").resolve(KEY + ".result"),
        "not a record at all, but long enough to be one");
    assertThat(folder().read(KEY)).isEmpty();
  }

  @Test
  void writersRacingOnOneKeyLeaveOneWholeRecordAndNoTemporaryFile() throws Exception {
    int writers = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      done.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  go.await();
                  for (int i = 0; i < 20; i++) {
                    folder().write(KEY, "the same result");
                  }
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              },
              java.util.concurrent.Executors.newSingleThreadExecutor()));
    }
    go.countDown();
    CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).join();
    assertThat(folder().read(KEY)).hasValue(new CheckpointFolder.Recorded("the same result"));
    try (Stream<Path> files = Files.list(dir.resolve("records"))) {
      assertThat(files.map(f -> f.getFileName().toString()).collect(Collectors.toList()))
          .containsExactly(KEY + ".result");
    }
  }
}
