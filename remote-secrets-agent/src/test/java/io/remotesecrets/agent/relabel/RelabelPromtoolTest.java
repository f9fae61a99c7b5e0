package io.remotesecrets.agent.relabel;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential test against {@code promtool check config} from Debian's prometheus 2.42: a
 * relabel config promtool accepts we accept, one it rejects we reject, and our message is
 * promtool's (for the semantic checks; YAML-structure errors are worded by each YAML library).
 */
@Tag("peer")
class RelabelPromtoolTest {
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  @TempDir
  static Path dir;

  @BeforeAll
  static void promtoolIsInstalled() {
    assertThat(Files.isExecutable(PROMTOOL))
        .as("%s is missing: install the Debian package 'prometheus' (apt-get install -y prometheus)", PROMTOOL).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // accepted
      "{source_labels: [a], target_label: b}",
      "{source_labels: [a, b], separator: '', regex: 'x(.*)', target_label: '${1}_c', replacement: 'v$1'}",
      "{action: KEEP, source_labels: [a], regex: 'f.*'}",
      "{action: hashmod, source_labels: [a], target_label: shard, modulus: 18446744073709551615}",
      "{action: labelmap, regex: '__meta_(.+)'}",
      "{action: labeldrop, regex: 'tmp_.*'}",
      "{action: keepequal, source_labels: [a], target_label: b}",
      "{action: lowercase, source_labels: [a], target_label: b}",
      "{regex: '(?P<host>[^:]+):\\d+', source_labels: [__address__], target_label: host, replacement: '$host'}",
      "{regex: '[[:alpha:]]+', source_labels: [a], action: drop}",
      // rejected with Prometheus's words
      "{action: replace}",
      "{action: uppercase}",
      "{action: hashmod, target_label: x}",
      "{action: keepequal, target_label: x, regex: a}",
      "{action: dropequal, target_label: x, separator: ','}",
      "{action: labeldrop, regex: a, source_labels: [b]}",
      "{action: labelkeep, regex: a, target_label: b}",
      "{action: Foo}",
      "{source_labels: ['a-b'], target_label: x}",
      "{action: lowercase, target_label: x, replacement: y}",
      "{action: labelmap, replacement: '-$1'}",
      "{source_labels: [a], target_label: '-${3}'}",
      "{source_labels: [a], target_label: 'b-c'}",
      "{action: hashmod, target_label: '${1}', modulus: 2}",
      "{regex: '(abc', target_label: x}",
      "{regex: 'a(b|c', target_label: x}",
      "{regex: 'a)', target_label: x}",
      "{regex: '[ab', target_label: x}",
      "{regex: '*a', target_label: x}",
      // rejected, worded by the YAML layer
      "{target_label: x, regexp: a}",
      "{action: hashmod, target_label: x, modulus: -1}",
  })
  void agreesWithPromtool(String item) throws Exception {
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, "scrape_configs:\n- job_name: a\n  static_configs: [{targets: ['localhost:1']}]\n  relabel_configs:\n  - " + item + "\n");
    Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "config", file.toString()).redirectErrorStream(true).start();
    String promtool = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    boolean promtoolAccepts = p.exitValue() == 0;

    String ours = null;
    try {
      ConfigDocument doc = ConfigDocument.parse("test.yml", null, "relabel_configs:\n- " + item + "\n");
      RelabelConfig.parseList(doc.root().asMap().list("relabel_configs"));
      doc.finish();
    } catch (ConfigException e) {
      ours = e.errors().get(0).message();
    }
    assertThat(ours == null).as("promtool says: %s; we say: %s", promtool, ours).isEqualTo(promtoolAccepts);
    boolean yamlLayer = ours != null && (ours.startsWith("unknown field") || ours.startsWith("expected an unsigned integer"));
    if (ours != null && !yamlLayer) assertThat(promtool).contains(ours);
  }
}
