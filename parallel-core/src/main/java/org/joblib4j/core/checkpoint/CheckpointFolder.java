package org.joblib4j.core.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of finished tasks, one file per task identity: {@code <key>.result}, holding a magic
 * header, the result's length, the Java-serialized result and its SHA-256. A record is written to a
 * temporary file in the same folder and renamed into place atomically, so several processes (or
 * hosts sharing the folder) may write at once and a reader sees a whole record or none; a record
 * that is truncated, corrupt or unreadable is ignored and its task runs again.
 *
 * @param location where the records live (a path's text: a {@link Path} is not serializable, and a
 *     task carries its folder to the worker that runs it)
 */
public record CheckpointFolder(String location) implements Serializable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointFolder.class);
  private static final byte[] MAGIC =
      "joblib4j-result-1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int HASH = 32;

  /**
   * The folder.
   *
   * @return its path
   */
  public Path folder() {
    return Path.of(location);
  }

  /** A recorded result; {@code value} may be {@code null}. */
  public record Recorded(Object value) {}

  /**
   * Reads a task's record.
   *
   * @param key the task's identity
   * @return the result, or empty when there is no whole, valid record
   */
  public Optional<Recorded> read(String key) {
    Path file = folder().resolve(key + ".result");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn(
          "The checkpoint record {} cannot be read ({}): its task runs again", file, e.toString());
      return Optional.empty();
    }
    int header = MAGIC.length + Long.BYTES;
    if (bytes.length < header + HASH
        || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      LOG.warn("The checkpoint record {} is not a whole record: its task runs again", file);
      return Optional.empty();
    }
    long length = ByteBuffer.wrap(bytes, MAGIC.length, Long.BYTES).getLong();
    if (length != bytes.length - header - HASH
        || !Arrays.equals(
            sha256(bytes, header, (int) length),
            0,
            HASH,
            bytes,
            bytes.length - HASH,
            bytes.length)) {
      LOG.warn(
          "The checkpoint record {} is corrupt (length or checksum): its task runs again", file);
      return Optional.empty();
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes, header, (int) length)) {
          @Override
          protected Class<?> resolveClass(java.io.ObjectStreamClass desc)
              throws IOException, ClassNotFoundException {
            try {
              return Class.forName(
                  desc.getName(), false, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e) {
              return super.resolveClass(desc);
            }
          }
        }) {
      return Optional.of(new Recorded(in.readObject()));
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      LOG.warn(
          "The checkpoint record {} cannot be read ({}): its task runs again", file, e.toString());
      return Optional.empty();
    }
  }

  /**
   * Records a task's result, atomically.
   *
   * @param key the task's identity
   * @param value the result
   * @throws IOException if the result cannot be serialized or the folder written
   */
  public void write(String key, Object value) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(payload)) {
      out.writeObject(value);
    }
    byte[] body = payload.toByteArray();
    Path folder = folder();
    Files.createDirectories(folder);
    Path temp =
        folder.resolve(
            key
                + "."
                + ProcessHandle.current().pid()
                + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      // a stream, not a channel: an interrupt (a call's abort) must not cut a finished task's
      // record
      try (FileOutputStream out = new FileOutputStream(temp.toFile())) {
        out.write(
            ByteBuffer.allocate(MAGIC.length + Long.BYTES).put(MAGIC).putLong(body.length).array());
        out.write(body);
        out.write(sha256(body, 0, body.length));
        // the rename must not land before the bytes: a crash then leaves a whole record or none
        out.getFD().sync();
      }
      Files.move(
          temp,
          folder.resolve(key + ".result"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static byte[] sha256(byte[] bytes, int offset, int length) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(bytes, offset, length);
      return d.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
