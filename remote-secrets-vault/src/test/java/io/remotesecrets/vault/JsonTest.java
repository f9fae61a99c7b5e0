package io.remotesecrets.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonTest {

  @ParameterizedTest
  @ValueSource(strings = {"plain", "quote\" back\\slash", "new\nline\ttab\r", "\u0001\u001f control", "ünïcødé ✓ 😀",
      "yaml: [not, a, list] # nor a comment", "", "  spaces  ", "true", "123", "null", "~", "- dash", "&anchor *alias"})
  void stringsRoundTrip(String value) {
    assertThat(Json.parseObject(Json.object("k", value))).isEqualTo(Map.of("k", value));
  }

  @Test
  void readsWhatGoEncodingJsonWrites() {
    // Go escapes <, > and & and may escape / and non-ASCII.
    Map<String, Object> m = Json.parseObject(
        "{\"data\":{\"a\":\"\\u003cb\\u003e \\u0026 \\/x \\u00e9\",\"n\":2764800,\"b\":true,\"z\":null,\"l\":[\"x\",1]},\"lease_duration\":0}");
    Map<String, Object> data = Json.object(m.get("data")).orElseThrow();
    assertThat(data.get("a")).isEqualTo("<b> & /x é");
    assertThat(Json.number(data.get("n"))).isEqualTo(2764800L);
    assertThat(data.get("b")).isEqualTo(true);
    assertThat(data).containsEntry("z", null);
    assertThat(Json.strings(data.get("l"))).isEqualTo(List.of("x", "1"));
  }

  @Test
  void notJsonIsRejectedWithoutQuotingIt() {
    assertThatThrownBy(() -> Json.parseObject("<html>secret-ish</html>")).hasMessage("response is not a JSON object");
    assertThatThrownBy(() -> Json.parseObject("{\"a\": [}")).hasMessage("response is not JSON");
  }
}
