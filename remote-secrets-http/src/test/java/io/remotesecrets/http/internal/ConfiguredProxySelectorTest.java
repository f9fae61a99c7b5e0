package io.remotesecrets.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Proxy choice as Go's {@code golang.org/x/net/http/httpproxy} makes it. */
class ConfiguredProxySelectorTest {
  private static final URI PROXY = URI.create("http://proxy:3128");

  private static URI choose(ConfiguredProxySelector s, String url) {
    return s.proxyFor(URI.create(url));
  }

  @Test
  void noProxyRules() {
    var s = ConfiguredProxySelector.of(PROXY, "example.com, .internal, 10.0.0.0/8, 192.168.1.1, host.lan:8080, [::1]:9100");
    assertThat(choose(s, "http://example.com/")).isNull();
    assertThat(choose(s, "http://a.example.com/")).isNull();
    assertThat(choose(s, "http://notexample.com/")).isEqualTo(PROXY);
    assertThat(choose(s, "http://internal/")).isEqualTo(PROXY);
    assertThat(choose(s, "http://db.internal/")).isNull();
    assertThat(choose(s, "http://10.1.2.3:9100/")).isNull();
    assertThat(choose(s, "http://11.1.2.3:9100/")).isEqualTo(PROXY);
    assertThat(choose(s, "https://192.168.1.1/")).isNull();
    assertThat(choose(s, "http://host.lan:8080/")).isNull();
    assertThat(choose(s, "http://host.lan:8081/")).isEqualTo(PROXY);
    assertThat(choose(s, "http://[::1]:9100/")).isNull();
    assertThat(choose(s, "http://127.0.0.1:9100/")).isEqualTo(PROXY);
  }

  @Test
  void aStarExcludesEverything() {
    assertThat(choose(ConfiguredProxySelector.of(PROXY, "*"), "http://anything/")).isNull();
  }

  @Test
  void theEnvironmentIsReadLikeGo() {
    var s = ConfiguredProxySelector.fromEnvironment(Map.of(
        "http_proxy", "plain:3128", "HTTPS_PROXY", "http://secure:3129", "NO_PROXY", "skip.example"));
    assertThat(choose(s, "http://a.example/")).isEqualTo(URI.create("http://plain:3128"));
    assertThat(choose(s, "https://a.example/")).isEqualTo(URI.create("http://secure:3129"));
    assertThat(choose(s, "https://skip.example/")).isNull();
    assertThat(choose(s, "http://localhost:9100/")).isNull();
    assertThat(choose(s, "http://127.0.0.1:9100/")).isNull();
    assertThat(choose(ConfiguredProxySelector.fromEnvironment(Map.of()), "http://a.example/")).isNull();
  }
}
