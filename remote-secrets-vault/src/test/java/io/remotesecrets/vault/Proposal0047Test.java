package io.remotesecrets.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.SecretReader;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.ConfigNode;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.vault.VaultDouble.TokenSpec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Proposal 0047's Vault example, in its own shape, against the {@link VaultDouble}
 * (Vault 1.15 HTTP API): only the address differs, and the token comes from VAULT_TOKEN as it
 * would for the Vault CLI.
 */
class Proposal0047Test {

  /** Reads {@code scrape_configs[0].basic_auth.password} as the agent's parser would. */
  static SecretSpec parseScrapePassword(Harness h, String yaml) {
    ConfigDocument doc = ConfigDocument.parse("prometheus.yml", null, yaml);
    ConfigContext ctx = new ConfigContext(doc, h.factories());
    ConfigMap job = doc.root().asMap().required("scrape_configs").asList().get(0).asMap();
    job.string("job_name");
    ConfigMap basicAuth = job.map("basic_auth");
    basicAuth.get("username").map(ConfigNode::asString);
    SecretSpec spec = ctx.secret(basicAuth, "basic_auth ", "password").orElseThrow();
    doc.finish();
    return spec;
  }

  @Test
  void theExampleWorksAgainstTheDouble() throws Exception {
    try (Harness h = new Harness(); VaultDouble vault = new VaultDouble(h.clock)) {
      vault.mount("", "secret", 2).policy("prometheus", "secret/data/prometheus/*")
          .put("", "secret", "prometheus/example_job", Map.of("password", "pw-0047"));
      h.env.put("VAULT_TOKEN", vault.token("", new TokenSpec("prometheus", Duration.ofHours(768), Duration.ZERO, true)));
      String yaml = """
          scrape_configs:
            - job_name: 'example_job'
              basic_auth:
                username: 'user'
                password:
                  vault:
                    address: "%s"
                    path: "secret/data/prometheus/example_job"
                    key: "password"
                    refresh_interval: 30m # Override default for this secret
          """.formatted(vault.address());
      SecretReader password = h.manager.reader(parseScrapePassword(h, yaml));
      assertThat(password.await(Duration.ofSeconds(5)).reveal()).isEqualTo("pw-0047");
      assertThat(vault.requests()).contains("GET [] secret/data/prometheus/example_job");

      // refresh_interval: 30m applies.
      vault.put("", "secret", "prometheus/example_job", Map.of("password", "pw-rotated"));
      h.advance(Duration.ofMinutes(30));
      assertThat(password.current().reveal()).isEqualTo("pw-rotated");

      // The logical path names the same secret.
      SecretReader logical = h.manager.reader(parseScrapePassword(h, yaml.replace("secret/data/", "secret/")));
      assertThat(logical.reportRejected(password.current()).get(5, TimeUnit.SECONDS).reveal()).isEqualTo("pw-rotated");
      assertThat(logical.current().reveal()).isEqualTo("pw-rotated");
    }
  }
}
