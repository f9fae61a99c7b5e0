package io.remotesecrets.agent.relabel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cases from Prometheus's model/relabel/relabel_test.go (TestRelabel, TestRelabelValidate,
 * TestTargetLabelValidity), written as YAML so that parsing and defaults are exercised too.
 */
class RelabelConfigTest {
  static List<RelabelConfig> parse(String yaml) {
    ConfigDocument doc = ConfigDocument.parse("test.yml", null, yaml);
    List<RelabelConfig> configs = RelabelConfig.parseList(doc.root().asMap().list("relabel_configs"));
    doc.finish();
    return configs;
  }

  static Arguments row(Labels input, String yaml, Labels output) {
    return Arguments.of(input, yaml, output);
  }

  static Stream<Arguments> prometheusCases() {
    Labels abc = Labels.of("a", "foo", "b", "bar", "c", "baz");
    Labels ports = Labels.of("__tmp_port", "1234", "__port1", "1234", "__port2", "5678");
    return Stream.of(
        row(abc, """
            - {source_labels: [a], regex: f(.*), target_label: d, separator: ';', replacement: 'ch${1}-ch${1}', action: replace}
            """, Labels.of("a", "foo", "b", "bar", "c", "baz", "d", "choo-choo")),
        row(abc, """
            - {source_labels: [a, b], regex: 'f(.*);(.*)r', target_label: a, separator: ';', replacement: 'b${1}${2}m'}
            - {source_labels: [c, a], regex: '(b).*b(.*)ba(.*)', target_label: d, separator: ';', replacement: '$1$2$2$3'}
            """, Labels.of("a", "boobam", "b", "bar", "c", "baz", "d", "boooom")),
        row(Labels.of("a", "foo"), """
            - {source_labels: [a], regex: '.*o.*', action: drop}
            - {source_labels: [a], regex: 'f(.*)', target_label: d, replacement: 'ch$1-ch$1'}
            """, null),
        row(Labels.of("a", "foo", "b", "bar"), "- {source_labels: [a], regex: '.*o.*', action: drop}", null),
        row(Labels.of("a", "abc"), "- {source_labels: [a], regex: '.*(b).*', target_label: d, replacement: '$1'}",
            Labels.of("a", "abc", "d", "b")),
        row(Labels.of("a", "foo"), "- {source_labels: [a], regex: no-match, action: drop}", Labels.of("a", "foo")),
        row(Labels.of("a", "foo"), "- {source_labels: [a], regex: 'f|o', action: drop}", Labels.of("a", "foo")),
        row(Labels.of("a", "foo"), "- {source_labels: [a], regex: no-match, action: keep}", null),
        row(Labels.of("a", "foo"), "- {source_labels: [a], regex: 'f.*', action: keep}", Labels.of("a", "foo")),
        // No replacement must be applied if there is no match.
        row(Labels.of("a", "boo"), "- {source_labels: [a], regex: f, target_label: b, replacement: bar}", Labels.of("a", "boo")),
        row(abc, "- {source_labels: [c], target_label: d, separator: ';', action: hashmod, modulus: 1000}",
            Labels.of("a", "foo", "b", "bar", "c", "baz", "d", "976")),
        row(Labels.of("a", "foo\nbar"), "- {source_labels: [a], target_label: b, action: hashmod, modulus: 1000}",
            Labels.of("a", "foo\nbar", "b", "734")),
        row(Labels.of("a", "foo", "b1", "bar", "b2", "baz"), "- {regex: '(b.*)', replacement: 'bar_${1}', action: labelmap}",
            Labels.of("a", "foo", "b1", "bar", "b2", "baz", "bar_b1", "bar", "bar_b2", "baz")),
        row(Labels.of("a", "foo", "__meta_my_bar", "aaa", "__meta_my_baz", "bbb", "__meta_other", "ccc"),
            "- {regex: '__meta_(my.*)', replacement: '${1}', action: labelmap}",
            Labels.of("a", "foo", "__meta_my_bar", "aaa", "__meta_my_baz", "bbb", "__meta_other", "ccc", "my_bar", "aaa", "my_baz", "bbb")),
        row(Labels.of("a", "some-name-value"), "- {source_labels: [a], regex: 'some-([^-]+)-([^,]+)', replacement: '${2}', target_label: '${1}'}",
            Labels.of("a", "some-name-value", "name", "value")),
        row(Labels.of("a", "some-name-value"), "- {source_labels: [a], regex: 'some-([^-]+)-([^,]+)', replacement: '${3}', target_label: '${1}'}",
            Labels.of("a", "some-name-value")),
        row(Labels.of("a", "some-name-0"), """
            - {source_labels: [a], regex: 'some-([^-]+)-([^,]+)', replacement: '${1}', target_label: '${3}'}
            - {source_labels: [a], regex: 'some-([^-]+)-([^,]+)', replacement: '${1}', target_label: '${3}'}
            - {source_labels: [a], regex: 'some-([^-]+)(-[^,]+)', replacement: '${1}', target_label: '${3}'}
            """, Labels.of("a", "some-name-0")),
        row(Labels.of("__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar"), """
            - {source_labels: [__meta_sd_tags], regex: '(?:.+,|^)path:(/[^,]+).*', replacement: '${1}', target_label: __metrics_path__}
            - {source_labels: [__meta_sd_tags], regex: '(?:.+,|^)job:([^,]+).*', replacement: '${1}', target_label: job}
            - {source_labels: [__meta_sd_tags], regex: '(?:.+,|^)label:([^=]+)=([^,]+).*', replacement: '${2}', target_label: '${1}'}
            """, Labels.of("__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar", "__metrics_path__", "/secret", "job", "some-job", "foo", "bar")),
        // prometheus/prometheus#12283
        row(Labels.of("__meta_kubernetes_pod_container_port_name", "foo", "__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091"), """
            - {regex: '^__meta_kubernetes_pod_container_port_name$', action: labeldrop}
            - {source_labels: [__meta_kubernetes_pod_annotation_XXX_metrics_port], regex: '(.+)', replacement: metrics, target_label: __meta_kubernetes_pod_container_port_name}
            - {source_labels: [__meta_kubernetes_pod_container_port_name], regex: '^metrics$', action: keep}
            """, Labels.of("__meta_kubernetes_pod_annotation_XXX_metrics_port", "9091", "__meta_kubernetes_pod_container_port_name", "metrics")),
        row(Labels.of("a", "foo", "b1", "bar", "b2", "baz"), "- {regex: '(b.*)', action: labelkeep}", Labels.of("b1", "bar", "b2", "baz")),
        row(Labels.of("a", "foo", "b1", "bar", "b2", "baz"), "- {regex: '(b.*)', action: labeldrop}", Labels.of("a", "foo")),
        row(Labels.of("foo", "bAr123Foo"), """
            - {source_labels: [foo], action: uppercase, target_label: foo_uppercase}
            - {source_labels: [foo], action: lowercase, target_label: foo_lowercase}
            """, Labels.of("foo", "bAr123Foo", "foo_lowercase", "bar123foo", "foo_uppercase", "BAR123FOO")),
        row(ports, "- {source_labels: [__tmp_port], action: keepequal, target_label: __port1}", ports),
        row(ports, "- {source_labels: [__tmp_port], action: dropequal, target_label: __port1}", null),
        row(ports, "- {source_labels: [__tmp_port], action: dropequal, target_label: __port2}", ports),
        row(ports, "- {source_labels: [__tmp_port], action: keepequal, target_label: __port2}", null),
        // Beyond relabel_test.go: defaults, RE2 syntax, Go template corner cases.
        row(Labels.of("a", "x"), "- {source_labels: [a], target_label: b}", Labels.of("a", "x", "b", "x")),
        row(Labels.of("a", "x"), "- {source_labels: [missing], target_label: a}", Labels.of()),
        row(Labels.of("a", "host:9100"), "- {source_labels: [a], regex: '(?P<host_name>[^:]+):(?P<port>\\d+)', target_label: h, replacement: '$host_name/${port}'}",
            Labels.of("a", "host:9100", "h", "host/9100")),
        // Go's template: "$1x" names group "1x" (absent), "$$" is "$", a lone "$" stays.
      row(Labels.of("a", "abc"), "- {source_labels: [a], regex: '([[:alpha:]]+)', target_label: b, replacement: '$1x $$ $1_y ${1}_y $'}",
            Labels.of("a", "abc", "b", " $  abc_y $")),
        row(Labels.of("a", "foo\n"), "- {source_labels: [a], regex: foo, action: keep}", null),
        row(Labels.of("a", "A", "b", "B"), "- {source_labels: [a, b], separator: '', regex: AB, action: drop}", null));
  }

  @ParameterizedTest
  @MethodSource("prometheusCases")
  void relabelsAsPrometheus(Labels input, String yaml, Labels expected) {
    List<RelabelConfig> configs = parse("relabel_configs:\n" + yaml.indent(0));
    assertThat(RelabelConfig.process(input, configs)).isEqualTo(expected == null || expected.isEmpty() ? null : expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      {action: replace}                                                     | test.yml:2:3: relabel_configs[0]: relabel configuration for replace action requires 'target_label' value
      {action: lowercase}                                                   | test.yml:2:3: relabel_configs[0]: relabel configuration for lowercase action requires 'target_label' value
      {action: lowercase, target_label: '${3}'}                             | test.yml:2:3: relabel_configs[0]: "${3}" is invalid 'target_label' for lowercase action
      {source_labels: [a], regex: 'some-([^-]+)', target_label: '0${3}'}    | test.yml:2:3: relabel_configs[0]: "0${3}" is invalid 'target_label' for replace action
      {source_labels: [a], regex: 'some-([^-]+)', target_label: '-${3}'}    | test.yml:2:3: relabel_configs[0]: "-${3}" is invalid 'target_label' for replace action
      {source_labels: [a], target_label: 'b-c'}                             | test.yml:2:3: relabel_configs[0]: "b-c" is invalid 'target_label' for replace action
      {action: hashmod, target_label: x}                                    | test.yml:2:3: relabel_configs[0]: relabel configuration for hashmod requires non-zero modulus
      {action: labelmap, replacement: '-$1'}                                | test.yml:2:3: relabel_configs[0]: "-$1" is invalid 'replacement' for labelmap action
      {action: uppercase, target_label: x, replacement: y}                  | test.yml:2:3: relabel_configs[0]: 'replacement' can not be set for uppercase action
      {action: keepequal, target_label: x, regex: 'a'}                      | test.yml:2:3: relabel_configs[0]: keepequal action requires only 'source_labels' and `target_label`, and no other fields
      {action: labeldrop, regex: 'a', source_labels: [b]}                   | test.yml:2:3: relabel_configs[0]: labeldrop action requires only 'regex', and no other fields
      {action: Foo}                                                         | test.yml:2:12: relabel_configs[0].action: unknown relabel action "Foo"
      {regex: '(abc', target_label: x}                                      | test.yml:2:11: relabel_configs[0].regex: error parsing regexp: missing closing ): `^(?:(abc)$`
      {source_labels: ['a-b'], target_label: x}                             | test.yml:2:20: relabel_configs[0].source_labels[0]: "a-b" is not a valid label name
      {action: hashmod, target_label: x, modulus: -1}                       | test.yml:2:47: relabel_configs[0].modulus: expected an unsigned integer, got "-1"
      {target_label: x, regexp: a}                                          | test.yml:2:21: relabel_configs[0].regexp: unknown field "regexp"
      """)
  void rejectsAsPrometheus(String item, String message) {
    assertThatThrownBy(() -> parse("relabel_configs:\n- " + item + "\n"))
        .isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void reportsEveryBadItemAndKeepsTheGoodOnes() {
    ConfigDocument doc = ConfigDocument.parse("test.yml", null, """
        relabel_configs:
        - {action: drop}
        - {action: nope}
        - {action: hashmod}
        """);
    List<RelabelConfig> configs = RelabelConfig.parseList(doc.root().asMap().list("relabel_configs"));
    assertThat(configs).hasSize(1);
    assertThat(configs.get(0).action()).isEqualTo(RelabelConfig.Action.DROP);
    assertThatThrownBy(doc::finish).hasMessage("""
        test.yml:3:12: relabel_configs[1].action: unknown relabel action "nope"
        test.yml:4:3: relabel_configs[2]: relabel configuration for hashmod requires non-zero modulus""");
  }

  @Test
  void defaultsArePrometheuss() {
    RelabelConfig c = parse("relabel_configs:\n- {target_label: x}\n").get(0);
    assertThat(c.separator()).isEqualTo(";");
    assertThat(c.regex()).isEqualTo("(.*)");
    assertThat(c.replacement()).isEqualTo("$1");
    assertThat(c.action()).isEqualTo(RelabelConfig.Action.REPLACE);
    assertThat(c.modulus()).isZero();
    assertThat(c.sourceLabels()).isEmpty();
    assertThat(c).isEqualTo(RelabelConfig.builder().targetLabel("x").build());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      -label        | false
      label         | true
      label${1}     | true
      ${1}label     | true
      ${1}          | true
      ${            | false
      $             | false
      ${}           | false
      foo${         | false
      $1            | true
      asd$2asd      | true
      -foo${1}bar-  | false
      _${1}_        | true
      foo${bar}foo  | true
      """)
  void targetLabelValidity(String target, boolean valid) {
    var b = RelabelConfig.builder().sourceLabels("a").targetLabel(target);
    if (valid) assertThat(b.build().targetLabel()).isEqualTo(target);
    else assertThatThrownBy(b::build).hasMessage("\"" + target + "\" is invalid 'target_label' for replace action");
  }

  @Test
  void hashmodUsesTheFullUnsignedRange() {
    RelabelConfig c = RelabelConfig.builder().sourceLabels("c").targetLabel("d").action(RelabelConfig.Action.HASHMOD)
        .modulus(Long.parseUnsignedLong("18446744073709551615")).build();
    String v = RelabelConfig.process(Labels.of("c", "baz"), List.of(c)).get("d");
    assertThat(new java.math.BigInteger(v)).isGreaterThan(java.math.BigInteger.valueOf(Long.MAX_VALUE).negate());
    assertThat(v).doesNotStartWith("-");
  }
}
