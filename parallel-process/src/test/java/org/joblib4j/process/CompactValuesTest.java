package org.joblib4j.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactValuesTest {
  private static final List<Object> COMPACT =
      Arrays.asList(
          null,
          0,
          -7,
          Integer.MIN_VALUE,
          Long.MAX_VALUE,
          -0.0,
          Double.NaN,
          1.5f,
          (short) -3,
          (byte) 9,
          'é',
          true,
          false,
          "",
          "héllo \uD83D\uDE00",
          "\uD800 unpaired",
          "x".repeat(CompactValues.MAX_STRING_CHARS));

  @Test
  void boxedPrimitivesAndShortStringsAreCompactOthersAreNot() {
    for (Object v : COMPACT) {
      assertThat(CompactValues.isCompact(v)).as(String.valueOf(v)).isTrue();
    }
    assertThat(CompactValues.isCompact("x".repeat(CompactValues.MAX_STRING_CHARS + 1))).isFalse();
    assertThat(CompactValues.isCompact(new int[1])).isFalse();
    assertThat(CompactValues.isCompact(List.of(1))).isFalse();
    assertThat(CompactValues.isCompact(new java.math.BigInteger("1"))).isFalse();
  }

  @Test
  void compactValuesComeBackEqualWithTheirType() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (Object v : COMPACT) {
      CompactValues.write(out, v);
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    List<Object> back = new ArrayList<>();
    for (int i = 0; i < COMPACT.size(); i++) {
      back.add(CompactValues.read(in));
    }
    assertThat(back).isEqualTo(COMPACT);
    for (int i = 0; i < COMPACT.size(); i++) {
      if (COMPACT.get(i) != null) {
        assertThat(back.get(i)).isExactlyInstanceOf(COMPACT.get(i).getClass());
      }
    }
    assertThat(in.available()).isZero();
  }

  @Test
  void writeValueFallsBackToJavaSerializationAndKeepsSharing() throws Exception {
    int[] shared = {1, 2, 3};
    String longText = "y".repeat(1000);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      for (Object v : new Object[] {42, shared, "short", shared, longText, longText, null}) {
        CompactValues.writeValue(out, v);
      }
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(CompactValues.readValue(in)).isEqualTo(42);
      int[] first = (int[]) CompactValues.readValue(in);
      assertThat(first).containsExactly(1, 2, 3);
      assertThat(CompactValues.readValue(in)).isEqualTo("short");
      assertThat(CompactValues.readValue(in)).isSameAs(first);
      Object text = CompactValues.readValue(in);
      assertThat(text).isEqualTo(longText);
      assertThat(CompactValues.readValue(in)).isSameAs(text);
      assertThat(CompactValues.readValue(in)).isNull();
    }
  }

  @Test
  void rejectsWhatItCannotWriteOrRead() {
    DataOutputStream out = new DataOutputStream(new ByteArrayOutputStream());
    assertThatThrownBy(() -> CompactValues.write(out, new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("java.lang.Object has no compact form");
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(new byte[] {42}));
    assertThatThrownBy(() -> CompactValues.read(in))
        .isInstanceOf(StreamCorruptedException.class)
        .hasMessage("not a compact value: tag 42");
  }
}
