package io.remotesecrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.config.Durations;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DurationsAndSecretTest {
  @Property
  void formatThenParseIsIdentity(@ForAll @LongRange(min = 0, max = 10L * 365 * 24 * 3600 * 1000) long millis) {
    Duration d = Duration.ofMillis(millis);
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }

  @Property
  void secretsPrintNothingButRedacted(@ForAll String value) {
    Secret s = Secret.of(value);
    assertThat(s.toString()).isEqualTo("<secret>");
    assertThat(s).isEqualTo(Secret.of(value)).hasSameHashCodeAs(Secret.of(value));
    assertThat(s.fingerprint()).matches("sha256:[0-9a-f]{12}");
  }

  @Test
  void urlsInMessagesLoseTheirUserInfo() {
    assertThat(io.remotesecrets.config.Urls.redact("ftp://user:pw@host:1/p?q#f")).isEqualTo("ftp://user:xxxxx@host:1/p?q#f");
    assertThat(io.remotesecrets.config.Urls.redact("admin:pw@vault:8200")).isEqualTo("admin:xxxxx@vault:8200");
    assertThat(io.remotesecrets.config.Urls.redact("https://vault:8200/a@b")).isEqualTo("https://vault:8200/a@b");
    assertThat(io.remotesecrets.config.Urls.redact("not a url")).isEqualTo("not a url");
    assertThat(io.remotesecrets.config.Urls.redact("https://user@host:1/")).isEqualTo("https://user@host:1/");
    assertThat(io.remotesecrets.config.Urls.redact("https://host:1/a:b@c")).isEqualTo("https://host:1/a:b@c");
  }

  @Test
  void prometheusDurations() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1y")).isEqualTo(Duration.ofDays(365));
    assertThat(Durations.parse("2w1d")).isEqualTo(Duration.ofDays(15));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(Durations.format(Duration.ofSeconds(5400))).isEqualTo("1h30m");
    for (String bad : new String[] {"", "1", "1.5h", "-1s", "1m1h", "5 minutes"}) {
      assertThatThrownBy(() -> Durations.parse(bad)).hasMessage("not a valid duration string: \"" + bad + "\"");
    }
  }
}
