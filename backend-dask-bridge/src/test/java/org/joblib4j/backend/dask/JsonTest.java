package org.joblib4j.backend.dask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of the sidecar's protocol, as the Python side writes and reads it. */
class JsonTest {
  @Test
  void whatTheBridgeWritesReadsBackWithWholeNumbersAsLongs() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workers", List.of("tls://127.0.0.1:1", "tls://127.0.0.1:2"));
    m.put("retries", 2);
    m.put("fraction", 0.25);
    m.put("resources", Map.of("GPU", 1));
    m.put("priority", null);
    m.put("folder", Path.of("/tmp/x y"));
    m.put("args", new Object[] {"a", null, true});
    String text = Json.write(m);
    assertThat(text)
        .isEqualTo(
            "{\"workers\":[\"tls://127.0.0.1:1\",\"tls://127.0.0.1:2\"],\"retries\":2,"
                + "\"fraction\":0.25,\"resources\":{\"GPU\":1},\"priority\":null,"
                + "\"folder\":\"/tmp/x y\",\"args\":[\"a\",null,true]}");
    Map<String, Object> back = Json.object(text);
    assertThat(back.get("retries")).isEqualTo(2L);
    assertThat(back.get("fraction")).isEqualTo(0.25);
    assertThat(back.get("resources")).isEqualTo(Map.of("GPU", 1L));
    assertThat(back).containsEntry("priority", null);
    assertThat(back.get("args")).isEqualTo(Arrays.asList("a", null, true));
  }

  @Test
  void pythonsTextReadsAsIs() {
    // json.dumps output: unicode escapes, nested objects, floats with exponents
    Map<String, Object> m =
        Json.object("{\"scheduler\": \"tls://127.0.0.1:8786\", \"n\": \"\\u00e9\", \"t\": 1e-3}");
    assertThat(m)
        .containsEntry("scheduler", "tls://127.0.0.1:8786")
        .containsEntry("n", "é")
        .containsEntry("t", 0.001);
  }

  @Test
  void badInputSaysWhatItGot() {
    assertThatThrownBy(() -> Json.object("[1, 2]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a JSON object, got: [1, 2]");
    assertThatThrownBy(() -> Json.object("{\"a\": "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not JSON: ")
        .hasMessageEndingWith(": {\"a\": ");
    assertThatThrownBy(() -> Json.write(Map.of("x", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JSON has no NaN");
  }
}
