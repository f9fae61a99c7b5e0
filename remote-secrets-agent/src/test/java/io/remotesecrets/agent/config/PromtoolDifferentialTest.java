package io.remotesecrets.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.SecretProviderFactories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test against {@code promtool check config} from Debian's prometheus 2.42 package
 * (/usr/bin/promtool), for plain configurations within the sections the agent supports: what
 * promtool accepts, we accept; what it rejects, we reject; and where our message follows
 * Prometheus's wording ({@link Check#SAME_MESSAGE}), ours ends with promtool's message.
 *
 * <p>Deliberate differences are not in this table but in {@link AgentConfigTest}: the agent
 * rejects rule_files/alerting/remote_read and other service discovery types (promtool accepts
 * them), scrape schemes other than http/https (promtool 2.42 accepts any), and queue_config values
 * of 0 or less (promtool 2.42 accepts them; a queue cannot run with them). promtool's messages for
 * unknown fields and YAML type errors are Go decoder messages; ours name the field and line.
 */
@Tag("peer")
class PromtoolDifferentialTest {
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  static final Pattern FAILED = Pattern.compile("FAILED: parsing YAML file [^:]+: (.*)", Pattern.DOTALL);

  enum Check { ACCEPT, REJECT, SAME_MESSAGE }

  @TempDir
  static Path dir;

  @BeforeAll
  static void files() throws Exception {
    if (!Files.isExecutable(PROMTOOL)) {
      throw new AssertionError(PROMTOOL + " is missing: install the Debian package with apt-get install -y prometheus");
    }
    // promtool checks that referenced files exist.
    for (String f : new String[] {"pass.txt", "token.txt", "ca.crt", "client.crt", "client.key", "secret.txt"}) {
      Files.writeString(dir.resolve(f), "x\n");
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(Check.ACCEPT, ""),
        Arguments.of(Check.ACCEPT, "global: {scrape_interval: 15s, scrape_timeout: 10s, evaluation_interval: 30s, external_labels: {cluster: a, __x: y}}"),
        Arguments.of(Check.ACCEPT, "global: {scrape_interval: 0s, scrape_timeout: 5s}"),
        Arguments.of(Check.ACCEPT, "rule_files:\nscrape_configs: []\nremote_write: []"),
        Arguments.of(Check.ACCEPT, """
            scrape_configs:
            - job_name: node
              scrape_interval: 30s
              scrape_timeout: 30s
              metrics_path: /probe
              scheme: https
              params: {module: [http_2xx], x: []}
              honor_labels: true
              honor_timestamps: false
              sample_limit: 100
              body_size_limit: 10MB
              target_limit: 10
              label_limit: 30
              label_name_length_limit: 100
              label_value_length_limit: 200
              static_configs:
              - targets: ['a:9100', '[::1]:9100']
                labels: {env: prod}
              - labels: {only: labels}
              file_sd_configs:
              - files: [targets/*.json, 'more.yml', x.YAML]
                refresh_interval: 1m
              relabel_configs:
              - {source_labels: [__address__], target_label: instance, regex: '(.*):.*', replacement: $1}
              - {action: keep, source_labels: [env], regex: prod}
              - {action: drop, source_labels: [env], regex: dev}
              - {action: labelmap, regex: '__meta_(.+)'}
              - {action: labeldrop, regex: tmp_.*}
              - {action: labelkeep, regex: '.*'}
              - {action: hashmod, source_labels: [__address__], target_label: __tmp_hash, modulus: 4}
              - {action: lowercase, source_labels: [env], target_label: env_lower}
              - {action: uppercase, source_labels: [env], target_label: env_upper}
              - {action: keepequal, source_labels: [a], target_label: b}
              - {action: dropequal, source_labels: [a], target_label: b}
              metric_relabel_configs:
              - {action: drop, source_labels: [__name__], regex: 'go_.*'}
            """),
        Arguments.of(Check.ACCEPT, """
            scrape_configs:
            - job_name: auth
              basic_auth: {username: u, password_file: pass.txt}
              tls_config: {ca_file: ca.crt, cert_file: client.crt, key_file: client.key, server_name: x, insecure_skip_verify: false, min_version: TLS12}
              follow_redirects: false
              enable_http2: false
              proxy_url: http://proxy:3128
            - job_name: bearer
              authorization: {type: Bearer, credentials_file: token.txt}
            - job_name: old-bearer
              bearer_token: abc
            - job_name: oauth
              oauth2: {client_id: id, client_secret_file: secret.txt, token_url: 'http://idp/token', scopes: [a], endpoint_params: {x: y}}
            """),
        Arguments.of(Check.ACCEPT, """
            remote_write:
            - url: https://receiver.example/api/v1/write
              name: central
              remote_timeout: 10s
              headers: {X-Scope-OrgID: tenant}
              write_relabel_configs: [{action: labeldrop, regex: tmp_.*}]
              queue_config: {capacity: 100, max_shards: 4, min_shards: 1, max_samples_per_send: 50, batch_send_deadline: 1s, min_backoff: 10ms, max_backoff: 1s, retry_on_http_429: true}
              metadata_config: {send: false, send_interval: 1m}
              basic_auth: {username: u, password: p}
            - url: http://other/api/v1/write
            """),
        Arguments.of(Check.SAME_MESSAGE, "global: {scrape_interval: 10s, scrape_timeout: 20s}"),
        Arguments.of(Check.SAME_MESSAGE, "global: {scrape_interval: 1x}"),
        Arguments.of(Check.SAME_MESSAGE, "global: {external_labels: {1a: b}}"),
        Arguments.of(Check.SAME_MESSAGE, "global: {external_labels: {a-b: c}}"),
        Arguments.of(Check.REJECT, "global: {external_labelz: {a: b}}"),
        Arguments.of(Check.REJECT, "foo: 1"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [null]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{scrape_interval: 1s}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: a}, {job_name: a}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: b, scrape_interval: 10s, scrape_timeout: 11s}]"),
        Arguments.of(Check.ACCEPT, "global: {scrape_timeout: 5s}\nscrape_configs: [{job_name: b, scrape_interval: 2s}]"),
        Arguments.of(Check.REJECT, "scrape_configs: [{job_name: a, sample_limit: -1}]"),
        Arguments.of(Check.REJECT, "scrape_configs: [{job_name: a, honor_labels: maybe}]"),
        Arguments.of(Check.REJECT, "scrape_configs: [{job_name: a, params: {a: b}}]"),
        Arguments.of(Check.REJECT, "scrape_configs: [{job_name: a, static_config: []}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: a, static_configs: [{targets: ['http://a:80']}]}]"),
        Arguments.of(Check.ACCEPT, "scrape_configs: [{job_name: a, static_configs: [{targets: ['http://a:80']}], relabel_configs: [{source_labels: [__address__], regex: 'http://(.*)', target_label: __address__}]}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: a, static_configs: [{targets: [a], labels: {1a: b}}]}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: a, file_sd_configs: [{files: []}]}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: a, file_sd_configs: [{files: [a.txt]}]}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: a, file_sd_configs: [{files: ['*/a.json']}]}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: a, relabel_configs: [null]}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: a, metric_relabel_configs: [null]}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: a, relabel_configs: [{action: foo}]}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: a, relabel_configs: [{action: replace}]}]"),
        Arguments.of(Check.SAME_MESSAGE, "scrape_configs: [{job_name: a, relabel_configs: [{action: hashmod, source_labels: [a], target_label: b}]}]"),
        // Regex syntax errors are worded by Java's regex engine, not Go's.
        Arguments.of(Check.REJECT, "scrape_configs: [{job_name: a, relabel_configs: [{regex: '(a'}]}]"),
        Arguments.of(Check.REJECT, "scrape_configs: [{job_name: a, basic_auth: {username: a, password: b, password_file: pass.txt}}]"),
        Arguments.of(Check.REJECT, "scrape_configs: [{job_name: a, basic_auth: {username: a}, authorization: {credentials: x}}]"),
        Arguments.of(Check.REJECT, "scrape_configs: [{job_name: a, tls_config: {min_version: TLS9}}]"),
        Arguments.of(Check.SAME_MESSAGE, "remote_write: [{}]"),
        Arguments.of(Check.SAME_MESSAGE, "remote_write: [null]"),
        Arguments.of(Check.SAME_MESSAGE, "remote_write: [{url: 'http://a', name: x}, {url: 'http://b', name: x}]"),
        Arguments.of(Check.REJECT, "remote_write: [{url: '::bad'}]"),
        Arguments.of(Check.SAME_MESSAGE, "remote_write: [{url: 'http://a', headers: {Content-Type: x}}]"),
        Arguments.of(Check.SAME_MESSAGE, "remote_write: [{url: 'http://a', headers: {authorization: x}}]"),
        Arguments.of(Check.SAME_MESSAGE, "remote_write: [{url: 'http://a', write_relabel_configs: [null]}]"),
        Arguments.of(Check.REJECT, "remote_write: [{url: 'http://a', queue_config: {sample_age_limit: 1s}}]"),
        Arguments.of(Check.REJECT, "remote_write: [{url: 'http://a', queue_config: {capacity: x}}]"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void agreesWithPromtool(Check check, String yaml) throws Exception {
    Path file = Files.createTempFile(dir, "case", ".yml");
    Files.writeString(file, yaml + "\n");
    Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "config", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    boolean promtoolAccepts = p.exitValue() == 0;
    String ours = null;
    try {
      AgentConfig.load(file, SecretProviderFactories.load());
    } catch (ConfigException e) {
      ours = e.getMessage();
    }
    assertThat(promtoolAccepts).as("promtool on %s:\n%s", yaml, out).isEqualTo(check == Check.ACCEPT);
    assertThat(ours == null).as("ours on %s: %s", yaml, ours).isEqualTo(promtoolAccepts);
    if (check == Check.SAME_MESSAGE) {
      Matcher m = FAILED.matcher(out);
      assertThat(m.find()).as(out).isTrue();
      String theirs = m.group(1).trim();
      assertThat(ours.lines().toList()).as("promtool says: %s", theirs).anyMatch(l -> l.endsWith(": " + theirs));
    }
  }
}
