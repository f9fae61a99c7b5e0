package io.remotesecrets.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.agent.remotewrite.QueueConfig;
import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AgentConfigTest {
  static final SecretProviderFactories FACTORIES = SecretProviderFactories.load();

  static AgentConfig parse(String yaml) {
    return AgentConfig.parse("prometheus.yml", Path.of("/etc/prometheus/prometheus.yml"), yaml, FACTORIES);
  }

  static String errors(String yaml) {
    try {
      parse(yaml);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected the configuration to be rejected:\n" + yaml);
  }

  @Test
  void emptyFileHasPrometheusDefaults() {
    AgentConfig c = parse("");
    assertThat(c.global()).isEqualTo(new GlobalConfig(Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMinutes(1), Map.of()));
    assertThat(c.scrapeConfigs()).isEmpty();
    assertThat(c.remoteWriteConfigs()).isEmpty();
  }

  @Test
  void scrapeConfigDefaultsComeFromGlobal() {
    AgentConfig c = parse("""
        global:
          scrape_interval: 5s
          external_labels: {cluster: eu1, replica: a}
        scrape_configs:
        - job_name: node
          static_configs:
          - targets: ['localhost:9100']
            labels: {env: prod}
        - job_name: slow
          scrape_interval: 2m
        """);
    assertThat(c.global().scrapeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.global().externalLabels()).containsExactlyInAnyOrderEntriesOf(Map.of("cluster", "eu1", "replica", "a"));
    ScrapeConfig node = c.scrapeConfig("node").orElseThrow();
    assertThat(node.scrapeInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(node.scrapeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(node.metricsPath()).isEqualTo("/metrics");
    assertThat(node.scheme()).isEqualTo("http");
    assertThat(node.honorLabels()).isFalse();
    assertThat(node.honorTimestamps()).isTrue();
    assertThat(node.sampleLimit()).isZero();
    assertThat(node.staticConfigs()).containsExactly(new TargetGroup(List.of("localhost:9100"), Map.of("env", "prod"), "0"));
    ScrapeConfig slow = c.scrapeConfig("slow").orElseThrow();
    assertThat(slow.scrapeInterval()).isEqualTo(Duration.ofMinutes(2));
    // Prometheus: min(global scrape_timeout, interval), and the global timeout is 5s here.
    assertThat(slow.scrapeTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void everySupportedFieldLoads() {
    AgentConfig c = parse("""
        global:
          scrape_interval: 15s
          scrape_timeout: 10s
          evaluation_interval: 15s
          secret_providers:
          - name: demo
            inline_sp_config: {secrets: {node-pass: s3cret}}
        rule_files:
        scrape_configs:
        - job_name: node
          scrape_interval: 30s
          scrape_timeout: 20s
          metrics_path: /probe
          scheme: https
          params: {module: [http_2xx, tcp]}
          honor_labels: true
          honor_timestamps: false
          sample_limit: 1000
          body_size_limit: 10MB
          target_limit: 5
          label_limit: 30
          label_name_length_limit: 100
          label_value_length_limit: 200
          static_configs:
          - targets: ['a:9100', 'b:9100']
          file_sd_configs:
          - files: [targets/*.json, more.yml]
            refresh_interval: 1m
          relabel_configs:
          - source_labels: [__address__]
            target_label: instance
          metric_relabel_configs:
          - action: drop
            source_labels: [__name__]
            regex: go_.*
          basic_auth:
            username: prometheus
            password_ref: {demo: node-pass}
        remote_write:
        - url: https://receiver.example:9090/api/v1/write
          name: central
          remote_timeout: 10s
          headers: {X-Scope-OrgID: tenant1}
          write_relabel_configs:
          - action: labeldrop
            regex: tmp_.*
          queue_config:
            capacity: 100
            max_shards: 4
            min_shards: 2
            max_samples_per_send: 50
            batch_send_deadline: 1s
            min_backoff: 10ms
            max_backoff: 1s
            retry_on_http_429: true
          metadata_config: {send: false}
          http_config:
            authorization: {credentials: token}
        """);
    ScrapeConfig s = c.scrapeConfigs().get(0);
    assertThat(s.scrapeInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.scrapeTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.metricsPath()).isEqualTo("/probe");
    assertThat(s.scheme()).isEqualTo("https");
    assertThat(s.params()).isEqualTo(Map.of("module", List.of("http_2xx", "tcp")));
    assertThat(s.honorLabels()).isTrue();
    assertThat(s.honorTimestamps()).isFalse();
    assertThat(s.sampleLimit()).isEqualTo(1000);
    assertThat(s.bodySizeLimit()).isEqualTo(10L << 20);
    assertThat(s.targetLimit()).isEqualTo(5);
    assertThat(s.labelLimit()).isEqualTo(30);
    assertThat(s.labelNameLengthLimit()).isEqualTo(100);
    assertThat(s.labelValueLengthLimit()).isEqualTo(200);
    assertThat(s.fileSdConfigs()).containsExactly(new FileSdConfig(
        List.of("/etc/prometheus/targets/*.json", "/etc/prometheus/more.yml"), Duration.ofMinutes(1)));
    assertThat(s.relabelConfigs()).hasSize(1);
    assertThat(s.metricRelabelConfigs()).hasSize(1);
    RemoteWriteConfig rw = c.remoteWriteConfigs().get(0);
    assertThat(rw.url().toString()).isEqualTo("https://receiver.example:9090/api/v1/write");
    assertThat(rw.name()).isEqualTo("central");
    assertThat(rw.remoteTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(rw.headers()).isEqualTo(Map.of("X-Scope-OrgID", "tenant1"));
    assertThat(rw.writeRelabelConfigs()).hasSize(1);
    assertThat(rw.queueConfig()).isEqualTo(new QueueConfig(100, 4, 2, 50, Duration.ofSeconds(1), Duration.ofMillis(10),
        Duration.ofSeconds(1), true));
    assertThat(c.secrets()).extracting(u -> u.path())
        .contains("scrape_configs[0].basic_auth.password_ref", "remote_write[0].http_config.authorization.credentials");
    assertThat(c.providers()).containsOnlyKeys("demo");
  }

  @Test
  void remoteWriteDefaults() {
    RemoteWriteConfig rw = parse("remote_write: [{url: 'http://localhost:9090/api/v1/write'}]").remoteWriteConfigs().get(0);
    assertThat(rw.queueConfig()).isEqualTo(QueueConfig.DEFAULT);
    assertThat(rw.queueConfig()).isEqualTo(new QueueConfig(2500, 200, 1, 500, Duration.ofSeconds(5),
        Duration.ofMillis(30), Duration.ofSeconds(5), false));
    assertThat(rw.remoteTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(rw.name()).matches("[0-9a-f]{6}");
  }

  @Test
  void dumpPrintsNoSecretValue() {
    String canary = "CANARY-7f3b9e";
    AgentConfig c = parse("""
        global:
          secret_providers:
          - name: demo
            inline_sp_config: {secrets: {p: %1$s-a}}
        scrape_configs:
        - job_name: a
          basic_auth: {username: u, password: %1$s-b}
        remote_write:
        - url: https://receiver.example/api/v1/write
          authorization: {credentials: %1$s-d}
        """.formatted(canary));
    assertThat(c.dump()).doesNotContain(canary).contains("<secret>").contains("job_name: a");
    assertThat(c.toString()).doesNotContain(canary);
    assertThat(c.remoteWriteConfigs().get(0).redactedUrl()).doesNotContain(canary);
    assertThat(c.remoteWriteConfigs().get(0).toString()).doesNotContain(canary);
    assertThat(c.scrapeConfigs().get(0).toString()).doesNotContain(canary);
  }

  @Test
  void credentialsInTheRemoteWriteUrlAreRejectedWithoutEchoingThem() {
    String canary = "CANARY-91c2";
    assertThat(errors("remote_write: [{url: 'https://user:" + canary + "@receiver.example/api/v1/write'}]"))
        .isEqualTo("prometheus.yml:1:22: remote_write[0].url: invalid url: user info is not allowed; "
            + "use basic_auth (its password can come from a secret provider)");
  }

  @Test
  void equalFilesGiveEqualJobsAndQueues() {
    String yaml = """
        scrape_configs:
        - job_name: a
          basic_auth: {username: u, password: p1}
          relabel_configs: [{source_labels: [x], target_label: y}]
        - job_name: b
        remote_write: [{url: 'http://r/api/v1/write'}]
        """;
    AgentConfig one = parse(yaml);
    AgentConfig two = parse(yaml);
    assertThat(two.scrapeConfigs()).isEqualTo(one.scrapeConfigs());
    assertThat(two.remoteWriteConfigs()).isEqualTo(one.remoteWriteConfigs());
    AgentConfig changed = parse(yaml.replace("p1", "p2"));
    assertThat(changed.scrapeConfig("a")).isNotEqualTo(one.scrapeConfig("a"));
    assertThat(changed.scrapeConfig("b")).isEqualTo(one.scrapeConfig("b"));
  }

  @Test
  void providerSecretsAreListedWithTheirSource() {
    AgentConfig c = parse("""
        scrape_configs:
        - job_name: a
          basic_auth: {username: u, password_file: pass.txt}
        """);
    assertThat(c.secrets()).filteredOn(u -> u.spec() instanceof SecretSpec.FromProvider).singleElement().satisfies(u -> {
      assertThat(u.path()).isEqualTo("scrape_configs[0].basic_auth.password_file");
      assertThat(u.spec()).isInstanceOf(SecretSpec.FromProvider.class);
      assertThat(((SecretSpec.FromProvider) u.spec()).ref()).isEqualTo("/etc/prometheus/pass.txt");
    });
  }

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        Arguments.of("global: {scrape_interval: 10s, scrape_timeout: 20s}",
            "prometheus.yml:1:48: global.scrape_timeout: global scrape timeout greater than scrape interval"),
        Arguments.of("global: {scrape_interval: 1x}",
            "prometheus.yml:1:27: global.scrape_interval: not a valid duration string: \"1x\""),
        Arguments.of("global: {external_labels: {1a: b}}",
            "prometheus.yml:1:32: global.external_labels.1a: \"1a\" is not a valid label name"),
        Arguments.of("global: {sample_limit: 5}",
            "prometheus.yml:1:24: global.sample_limit: sample_limit is not supported in global by the remote-secrets agent"),
        Arguments.of("rule_files: [a.yml]",
            "prometheus.yml:1:13: rule_files: rule_files is not supported by the remote-secrets agent (the agent evaluates no rules)"),
        Arguments.of("alerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['localhost:9093']\n",
            "prometheus.yml:2:3: alerting: alerting is not supported by the remote-secrets agent (the agent sends no alerts)"),
        Arguments.of("remote_read: [{url: 'http://a'}]",
            "prometheus.yml:1:14: remote_read: remote_read is not supported by the remote-secrets agent (the agent stores nothing to query)"),
        Arguments.of("storage: {tsdb: {out_of_order_time_window: 1h}}",
            "prometheus.yml:1:10: storage: storage is not supported by the remote-secrets agent (the agent keeps no local storage)"),
        Arguments.of("foo: 1", "prometheus.yml:1:1: foo: unknown field \"foo\""),
        Arguments.of("scrape_configs: [null]", "prometheus.yml:1:18: scrape_configs[0]: empty or null scrape config section"),
        Arguments.of("scrape_configs: [{scrape_interval: 1s}]", "prometheus.yml:1:18: scrape_configs[0]: job_name is empty"),
        Arguments.of("scrape_configs: [{job_name: ''}]", "prometheus.yml:1:29: scrape_configs[0].job_name: job_name is empty"),
        Arguments.of("scrape_configs: [{job_name: a}, {job_name: a}]",
            "prometheus.yml:1:44: scrape_configs[1].job_name: found multiple scrape configs with job name \"a\""),
        Arguments.of("scrape_configs:\n- job_name: b\n  scrape_interval: 10s\n  scrape_timeout: 11s\n",
            "prometheus.yml:4:19: scrape_configs[0].scrape_timeout: scrape timeout greater than scrape interval for scrape config with job name \"b\""),
        Arguments.of("scrape_configs: [{job_name: a, scheme: ftp}]",
            "prometheus.yml:1:40: scrape_configs[0].scheme: scheme must be \"http\" or \"https\", got \"ftp\""),
        Arguments.of("scrape_configs: [{job_name: a, sample_limit: -1}]",
            "prometheus.yml:1:46: scrape_configs[0].sample_limit: sample_limit must not be negative, got -1"),
        Arguments.of("scrape_configs: [{job_name: a, honor_timestamps: maybe}]",
            "prometheus.yml:1:50: scrape_configs[0].honor_timestamps: expected true or false, got \"maybe\""),
        Arguments.of("scrape_configs: [{job_name: a, params: {a: b}}]",
            "prometheus.yml:1:44: scrape_configs[0].params.a: expected a list, got a scalar"),
        Arguments.of("scrape_configs: [{job_name: a, kubernetes_sd_configs: [{role: pod}]}]",
            "prometheus.yml:1:55: scrape_configs[0].kubernetes_sd_configs: kubernetes_sd_configs is not supported by the remote-secrets agent; use static_configs or file_sd_configs"),
        Arguments.of("scrape_configs: [{job_name: a, body_size_limit: 10XB}]",
            "prometheus.yml:1:49: scrape_configs[0].body_size_limit: invalid size \"10XB\"; use a number of bytes with an optional unit: KB, MB, GB, TB (powers of 1024)"),
        Arguments.of("scrape_configs: [{job_name: a, label_limit: -3}]",
            "prometheus.yml:1:45: scrape_configs[0].label_limit: label_limit must not be negative, got -3"),
        Arguments.of("scrape_configs: [{job_name: a, scrape_protocols: [PrometheusText0.0.4]}]",
            "prometheus.yml:1:50: scrape_configs[0].scrape_protocols: scrape_protocols is not supported in scrape_configs by the remote-secrets agent"),
        Arguments.of("scrape_configs: [{job_name: a, static_configs: [{targets: ['http://a:80']}]}]",
            "prometheus.yml:1:60: scrape_configs[0].static_configs[0].targets[0]: \"http://a:80\" is not a valid hostname"),
        Arguments.of("scrape_configs: [{job_name: a, static_configs: [{targets: [a], labels: {1a: b}}]}]",
            "prometheus.yml:1:77: scrape_configs[0].static_configs[0].labels.1a: \"1a\" is not a valid label name"),
        Arguments.of("scrape_configs: [{job_name: a, file_sd_configs: [{files: []}]}]",
            "prometheus.yml:1:50: scrape_configs[0].file_sd_configs[0]: file service discovery config must contain at least one path name"),
        Arguments.of("scrape_configs: [{job_name: a, file_sd_configs: [{files: [a.txt]}]}]",
            "prometheus.yml:1:59: scrape_configs[0].file_sd_configs[0].files[0]: path name \"a.txt\" is not valid for file discovery"),
        Arguments.of("scrape_configs: [{job_name: a, file_sd_configs: [{files: ['*/a.json']}]}]",
            "prometheus.yml:1:59: scrape_configs[0].file_sd_configs[0].files[0]: path name \"*/a.json\" is not valid for file discovery"),
        Arguments.of("scrape_configs: [{job_name: a, relabel_configs: [null]}]",
            "prometheus.yml:1:50: scrape_configs[0].relabel_configs[0]: empty or null target relabeling rule in scrape config"),
        Arguments.of("scrape_configs: [{job_name: a, metric_relabel_configs: [null]}]",
            "prometheus.yml:1:57: scrape_configs[0].metric_relabel_configs[0]: empty or null metric relabeling rule in scrape config"),
        Arguments.of("remote_write: [{}]", "prometheus.yml:1:16: remote_write[0]: url for remote_write is empty"),
        Arguments.of("remote_write: [null]", "prometheus.yml:1:16: remote_write[0]: empty or null remote write config section"),
        Arguments.of("remote_write: [{url: 'http://a', name: x}, {url: 'http://b', name: x}]",
            "prometheus.yml:1:68: remote_write[1].name: found multiple remote write configs with job name \"x\""),
        Arguments.of("remote_write: [{url: '::bad'}]", "prometheus.yml:1:22: remote_write[0].url: invalid url: missing protocol scheme"),
        Arguments.of("remote_write: [{url: 'ftp://a/b'}]",
            "prometheus.yml:1:22: remote_write[0].url: invalid url: scheme must be http or https, got \"ftp\""),
        Arguments.of("remote_write: [{url: 'http://a', headers: {Content-Type: x}}]",
            "prometheus.yml:1:58: remote_write[0].headers.Content-Type: Content-Type is a reserved header. It must not be changed"),
        Arguments.of("remote_write: [{url: 'http://a', headers: {Authorization: x}}]",
            "prometheus.yml:1:59: remote_write[0].headers.Authorization: authorization header must be changed via the basic_auth, authorization, oauth2, or sigv4 parameter"),
        Arguments.of("remote_write: [{url: 'http://a', write_relabel_configs: [null]}]",
            "prometheus.yml:1:58: remote_write[0].write_relabel_configs[0]: empty or null relabeling rule in remote write config"),
        Arguments.of("remote_write: [{url: 'http://a', queue_config: {capacity: 0}}]",
            "prometheus.yml:1:59: remote_write[0].queue_config.capacity: must be positive, got 0"),
        Arguments.of("remote_write: [{url: 'http://a', queue_config: {min_shards: 5, max_shards: 2}}]",
            "prometheus.yml:1:48: remote_write[0].queue_config: max_shards (2) must not be less than min_shards (5)"),
        Arguments.of("remote_write: [{url: 'http://a', queue_config: {sample_age_limit: 1s}}]",
            "prometheus.yml:1:49: remote_write[0].queue_config.sample_age_limit: unknown field \"sample_age_limit\""),
        Arguments.of("remote_write: [{url: 'http://a', send_exemplars: true}]",
            "prometheus.yml:1:50: remote_write[0].send_exemplars: send_exemplars is not supported by the remote-secrets agent, which scrapes no exemplars or native histograms"),
        Arguments.of("remote_write: [{url: 'http://a', sigv4: {region: x}}]",
            "prometheus.yml:1:41: remote_write[0].sigv4: sigv4 is not supported in remote_write by the remote-secrets agent"));
  }

  @ParameterizedTest
  @MethodSource("badConfigs")
  void rejectsWithPrometheusMessage(String yaml, String expected) {
    assertThat(errors(yaml)).isEqualTo(expected);
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThat(errors("""
        global:
          scrape_timeout: 2m
        rule_files: [x.yml]
        scrape_configs:
        - job_name: a
          scheme: gopher
        - job_name: a
        remote_write:
        - name: r
        """)).isEqualTo(String.join("\n",
            "prometheus.yml:2:19: global.scrape_timeout: global scrape timeout greater than scrape interval",
            "prometheus.yml:3:13: rule_files: rule_files is not supported by the remote-secrets agent (the agent evaluates no rules)",
            "prometheus.yml:6:11: scrape_configs[0].scheme: scheme must be \"http\" or \"https\", got \"gopher\"",
            "prometheus.yml:7:13: scrape_configs[1].job_name: found multiple scrape configs with job name \"a\"",
            "prometheus.yml:9:3: remote_write[0]: url for remote_write is empty"));
  }

  @Test
  void loadNamesTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path f = dir.resolve("prometheus.yml");
    java.nio.file.Files.writeString(f, "scrape_configs: [{job_name: a, static_configs: [{targets: ['x:1']}]}]\n");
    AgentConfig c = AgentConfig.load(f, FACTORIES);
    assertThat(c.fileName()).isEqualTo(f.toString());
    assertThatThrownBy(() -> AgentConfig.load(dir.resolve("missing.yml"), FACTORIES))
        .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yml:1:1: cannot read file");
  }
}
