package org.joblib4j.process;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A value serialized once to be shared by many tasks: its SHA-256 names it on the wire, and its
 * bytes travel once to each worker that runs a task referring to it.
 */
public final class SharedBlob {
  private static final int SHA_BYTES = 32;

  private final String sha;
  private final byte[] framePayload;

  private SharedBlob(String sha, byte[] framePayload) {
    this.sha = sha;
    this.framePayload = framePayload;
  }

  /**
   * Names serialized bytes by their content.
   *
   * @param bytes the serialized value
   * @return the blob
   */
  public static SharedBlob of(byte[] bytes) {
    byte[] digest = sha256(bytes);
    // built once: every worker is sent the same array, with no copy per worker
    byte[] payload = new byte[SHA_BYTES + bytes.length];
    System.arraycopy(digest, 0, payload, 0, SHA_BYTES);
    System.arraycopy(bytes, 0, payload, SHA_BYTES, bytes.length);
    return new SharedBlob(HexFormat.of().formatHex(digest), payload);
  }

  /**
   * Returns the blob's name.
   *
   * @return its SHA-256 in hex
   */
  public String sha() {
    return sha;
  }

  /**
   * Returns the serialized value's size.
   *
   * @return bytes
   */
  public int size() {
    return framePayload.length - SHA_BYTES;
  }

  /**
   * Returns the serialized value (a copy).
   *
   * @return the bytes
   */
  public byte[] bytes() {
    byte[] out = new byte[size()];
    System.arraycopy(framePayload, SHA_BYTES, out, 0, out.length);
    return out;
  }

  /** The payload of a {@link Frame#SHARE}: the raw digest, then the bytes. */
  byte[] framePayload() {
    return framePayload;
  }

  /** The name in a {@link Frame#SHARE} or {@link Frame#UNSHARE} payload. */
  static String shaOf(byte[] payload) {
    return HexFormat.of().formatHex(payload, 0, SHA_BYTES);
  }

  /** The serialized value in a {@link Frame#SHARE} payload. */
  static byte[] bytesOf(byte[] payload) {
    byte[] out = new byte[payload.length - SHA_BYTES];
    System.arraycopy(payload, SHA_BYTES, out, 0, out.length);
    return out;
  }

  /** The payload of a {@link Frame#UNSHARE}. */
  byte[] namePayload() {
    byte[] out = new byte[SHA_BYTES];
    System.arraycopy(framePayload, 0, out, 0, SHA_BYTES);
    return out;
  }

  /**
   * Packs blobs into one value, for a worker that gets them with the batch (Ray's object store).
   *
   * @param blobs the blobs
   * @return {@code [int length][SHARE payload]...}
   */
  public static byte[] bundle(java.util.List<SharedBlob> blobs) {
    int size = 0;
    for (SharedBlob b : blobs) {
      size += 4 + b.framePayload.length;
    }
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(size);
    for (SharedBlob b : blobs) {
      out.putInt(b.framePayload.length).put(b.framePayload);
    }
    return out.array();
  }

  /** The {@link Frame#SHARE} payloads in a {@link #bundle}. */
  static java.util.List<byte[]> unbundle(byte[] bundle) {
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bundle);
    while (in.hasRemaining()) {
      byte[] payload = new byte[in.getInt()];
      in.get(payload);
      out.add(payload);
    }
    return out;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SharedBlob && ((SharedBlob) o).sha.equals(sha);
  }

  @Override
  public int hashCode() {
    return sha.hashCode();
  }

  @Override
  public String toString() {
    return "Shared[" + sha.substring(0, 16) + ", " + size() + " bytes]";
  }
}
