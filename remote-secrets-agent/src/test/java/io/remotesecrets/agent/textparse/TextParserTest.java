package io.remotesecrets.agent.textparse;

import static io.remotesecrets.agent.textparse.TextParser.NO_TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.model.Sample;
import io.remotesecrets.agent.textparse.Collected.Parsed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TextParserTest {
  static byte[] nodeExporter() throws IOException {
    try (InputStream in = TextParserTest.class.getResourceAsStream("/textparse/node_exporter-1.5.txt")) {
      return in.readAllBytes();
    }
  }

  @Test
  void parsesRealNodeExporterOutput() throws IOException {
    byte[] body = nodeExporter();
    Collected c = new Collected();
    new TextParser().parse(body, "text/plain; version=0.0.4; charset=utf-8", c);

    String text = new String(body, StandardCharsets.UTF_8);
    long sampleLines = text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    long typeLines = text.lines().filter(l -> l.startsWith("# TYPE ")).count();
    assertThat(c.samples).hasSize((int) sampleLines).hasSize(507);
    assertThat(c.types).hasSize((int) typeLines);
    assertThat(c.types).containsEntry("go_gc_duration_seconds", MetricType.SUMMARY)
        .containsEntry("node_cpu_seconds_total", MetricType.COUNTER)
        .containsEntry("go_goroutines", MetricType.GAUGE);
    assertThat(c.helps).containsEntry("go_gc_duration_seconds", "A summary of the pause duration of garbage collection cycles.");
    assertThat(c.samples).contains(
        new Parsed(Labels.of("__name__", "node_cpu_seconds_total", "cpu", "0", "mode", "idle"), 794.15, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "go_memstats_buck_hash_sys_bytes"), 1.446009e+06, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "go_gc_duration_seconds", "quantile", "0"), 0, NO_TIMESTAMP));
    // Reusing the parser (and its string cache) gives the same result.
    Collected again = new Collected();
    TextParser parser = new TextParser();
    parser.parse(body, null, new Collected());
    parser.parse(ByteBuffer.wrap(body), Format.PROMETHEUS_TEXT, again);
    assertThat(again.samples).isEqualTo(c.samples);
  }

  @Test
  void prometheusTextFeatures() {
    Collected c = Collected.parse("""
        # A comment that is ignored
        # HELP http_requests_total The total number of HTTP requests.\\nSecond line \\\\ done
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total { method = "post" , code="400", }    3   1395066363000
        \t
        msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
        metric_without_timestamp_and_labels 12.47
        something_weird{problem="division by zero"} +Inf -3982045
        neg_inf -Inf
        not_a_number NaN
        utf8{v="grüße ✓"} 1
        odd_escape{v="a\\tb"} 1
        empty_value{a="",b="x"} 1
        # TYPE rpc_duration_seconds summary
        rpc_duration_seconds{quantile="0.5"} 4773
        rpc_duration_seconds_sum 1.7560473e+07
        rpc_duration_seconds_count 2693
        crlf_line 5\r
        last_line_without_newline 1""", Format.PROMETHEUS_TEXT);

    assertThat(c.helps).containsEntry("http_requests_total", "The total number of HTTP requests.\nSecond line \\ done");
    assertThat(c.types).containsEntry("http_requests_total", MetricType.COUNTER).containsEntry("rpc_duration_seconds", MetricType.SUMMARY);
    assertThat(c.samples).containsExactly(
        new Parsed(Labels.of("__name__", "http_requests_total", "method", "post", "code", "200"), 1027, 1395066363000L),
        new Parsed(Labels.of("__name__", "http_requests_total", "method", "post", "code", "400"), 3, 1395066363000L),
        new Parsed(Labels.of("__name__", "msdos_file_access_time_seconds", "path", "C:\\DIR\\FILE.TXT", "error", "Cannot find file:\n\"FILE.TXT\""), 1.458255915e9, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "metric_without_timestamp_and_labels"), 12.47, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "something_weird", "problem", "division by zero"), Double.POSITIVE_INFINITY, -3982045L),
        new Parsed(Labels.of("__name__", "neg_inf"), Double.NEGATIVE_INFINITY, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "not_a_number"), Double.NaN, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "utf8", "v", "grüße ✓"), 1, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "odd_escape", "v", "a\\tb"), 1, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "empty_value", "b", "x"), 1, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "rpc_duration_seconds", "quantile", "0.5"), 4773, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "rpc_duration_seconds_sum"), 1.7560473e+07, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "rpc_duration_seconds_count"), 2693, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "crlf_line"), 5, NO_TIMESTAMP),
        new Parsed(Labels.of("__name__", "last_line_without_newline"), 1, NO_TIMESTAMP));
  }

  @Test
  void parsedNaNIsNotTheStaleMarker() {
    Collected c = Collected.parse("a NaN\n", Format.PROMETHEUS_TEXT);
    assertThat(c.samples.get(0).value()).isNaN();
    assertThat(Sample.isStaleNaN(c.samples.get(0).value())).isFalse();
    assertThat(Sample.isStaleNaN(Sample.STALE_NAN)).isTrue();
    assertThat(Double.isNaN(Sample.STALE_NAN)).isTrue();
  }

  @Test
  void openMetricsFeatures() {
    Collected c = Collected.parse("""
        # TYPE acme_http_router_request_seconds summary
        # UNIT acme_http_router_request_seconds seconds
        # HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
        acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
        acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
        acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
        # TYPE foo histogram
        foo_bucket{le="0.01"} 0
        foo_bucket{le="+Inf"} 17 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67
        foo_bucket{le="1"} 11 # {trace_id="oHg5SJYRHA0"} 9.8 1520879607.789
        # TYPE state stateset
        state{state="a"} 1
        # TYPE info_m info
        info_m_info{version="1.0"} 1
        # TYPE g gaugehistogram
        g_gcount 3
        # TYPE u unknown
        u{} 1 1520879607
        # HELP esc A \\"quoted\\" \\\\ and\\nnew line
        # EOF
        """, Format.OPENMETRICS);
    assertThat(c.types).containsEntry("acme_http_router_request_seconds", MetricType.SUMMARY)
        .containsEntry("foo", MetricType.HISTOGRAM).containsEntry("state", MetricType.STATESET)
        .containsEntry("info_m", MetricType.INFO).containsEntry("g", MetricType.GAUGE_HISTOGRAM)
        .containsEntry("u", MetricType.UNKNOWN);
    assertThat(c.units).containsEntry("acme_http_router_request_seconds", "seconds");
    assertThat(c.helps).containsEntry("esc", "A \"quoted\" \\ and\nnew line");
    assertThat(c.samples).hasSize(10);
    assertThat(c.samples.get(4)).isEqualTo(new Parsed(Labels.of("__name__", "foo_bucket", "le", "+Inf"), 17, 1520879607789L));
    assertThat(c.samples.get(5)).isEqualTo(new Parsed(Labels.of("__name__", "foo_bucket", "le", "1"), 11, NO_TIMESTAMP));
    assertThat(c.samples.get(9)).isEqualTo(new Parsed(Labels.of("__name__", "u"), 1, 1520879607000L));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      'a{b="c" 1'                         | line 1: expected \",\" or \"}\" after label value, got \"1\"
      'a{b="c",,} 1'                      | line 1: expected label name, got \",\"
      'a{1="c"} 1'                        | line 1: expected label name or \"}\", got \"1\"
      'a{b:"c"} 1'                        | line 1: expected \"=\" after label name, got \":\"
      'a{b=c} 1'                          | line 1: expected label value in double quotes, got \"c\"
      'a{b="c} 1'                         | line 1: unterminated label value
      'a 1\nb{x="y"} one'                 | line 2: invalid value \"one\"
      'a 1f'                              | line 1: invalid value \"1f\"
      'a 1e400'                           | line 1: invalid value \"1e400\"
      'a 1 12.5'                          | line 1: invalid timestamp \"12.5\"
      'a 1 2 3'                           | line 1: expected end of line, got \"3\"
      'a'                                 | line 1: expected \"{\" or a space after the metric name, got end of input
      'a '                                | line 1: expected a value, got end of input
      '1a 1'                              | line 1: expected metric name, got \"1\"
      'a{b="1",b="2"} 1'                  | line 1: duplicate label name \"b\"
      '# TYPE a foo'                      | line 1: invalid metric type \"foo\"
      '# TYPE a gaugehistogram'           | line 1: invalid metric type \"gaugehistogram\"
      '# HELP 1a x'                       | line 1: expected metric name after \"# HELP\", got \"1\"
      """)
  void prometheusTextErrors(String input, String message) {
    byte[] b = input.replace("\\n", "\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new TextParser().parse(b, 0, b.length, Format.PROMETHEUS_TEXT, (s, v, t) -> {}))
        .isInstanceOf(TextParseException.class).hasMessage(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      'a 1\n'                             | line 2: expected \"# EOF\" at the end of the data
      'a 1\n# EOF\nb 1\n'                 | line 3: unexpected data after \"# EOF\"
      'a  1\n# EOF'                       | line 1: expected a value, got \" \"
      'a\t1\n# EOF'                       | line 1: expected \" \" before the value, got byte 0x09
      'a{b="c",} 1\n# EOF'                | line 1: expected label name, got \"}\"
      '# comment\n# EOF'                  | line 1: expected HELP, TYPE, UNIT or EOF after \"# \", got \"c\"
      'a 1\n\n# EOF'                      | line 2: unexpected empty line
      'a 1 x\n# EOF'                      | line 1: invalid timestamp \"x\"
      'a 1 # {x="y"}\n# EOF'              | line 1: expected \" \" before the exemplar value, got end of line
      '# TYPE a untyped\n# EOF'           | line 1: invalid metric type \"untyped\"
      '# UNIT a_bytes seconds\n# EOF'     | line 1: unit not a suffix of metric \"a_bytes\"
      '# UNIT seconds seconds\n# EOF'     | line 1: unit not a suffix of metric \"seconds\"
      'a 1\n# EOF junk'                   | line 2: expected end of line after \"# EOF\", got \" \"
      """)
  void openMetricsErrors(String input, String message) {
    byte[] b = input.replace("\\n", "\n").replace("\\t", "\t").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new TextParser().parse(b, 0, b.length, Format.OPENMETRICS, (s, v, t) -> {}))
        .isInstanceOf(TextParseException.class).hasMessage(message);
  }

  @Test
  void invalidUtf8LabelValueIsAnError() {
    byte[] b = {'a', '{', 'b', '=', '"', (byte) 0xff, '"', '}', ' ', '1', '\n'};
    assertThatThrownBy(() -> new TextParser().parse(b, 0, b.length, Format.PROMETHEUS_TEXT, (s, v, t) -> {}))
        .isInstanceOf(TextParseException.class).hasMessage("line 1: invalid UTF-8 label value");
  }

  @Test
  void samplesBeforeAnErrorAreDelivered() {
    Collected c = new Collected();
    byte[] b = "a 1\nb 2\nc{ 3\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new TextParser().parse(b, 0, b.length, Format.PROMETHEUS_TEXT, c))
        .hasMessage("line 3: expected label name or \"}\", got \"3\"");
    assertThat(c.samples).extracting(p -> p.series().metricName()).containsExactly("a", "b");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      text/plain; version=0.0.4; charset=utf-8                     | PROMETHEUS_TEXT
      application/openmetrics-text; version=1.0.0; charset=utf-8   | OPENMETRICS
      Application/OpenMetrics-Text;version=0.0.1                   | OPENMETRICS
      application/json                                             | PROMETHEUS_TEXT
      ;;;                                                          | PROMETHEUS_TEXT
      """)
  void formatFromContentType(String contentType, Format expected) {
    assertThat(Format.fromContentType(contentType)).isEqualTo(expected);
    assertThat(Format.fromContentType(null)).isEqualTo(Format.PROMETHEUS_TEXT);
  }

  @Test
  void acceptHeaderIsPrometheus242s() {
    assertThat(Format.SCRAPE_ACCEPT_HEADER).isEqualTo(
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
  }

  @Test
  void numbersParseAsGoDoes() {
    for (String s : List.of("0", "-0", "1.5", ".5", "5.", "1e3", "1E-3", "123456789012345678901234567890", "0.1", "3.141592653589793",
        "1.7976931348623157e308", "4.9e-324", "2.2250738585072014E-308", "9007199254740993", "0.30000000000000004")) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      assertThat(Numbers.parseDouble(b, 0, b.length)).as(s).isEqualTo(Double.parseDouble(s));
    }
    for (String s : List.of("Inf", "+inf", "-Infinity", "NaN", "nan")) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      double d = Numbers.parseDouble(b, 0, b.length);
      assertThat(Double.isNaN(d) || Double.isInfinite(d)).as(s).isTrue();
    }
    for (String s : List.of("", "+", ".", "e5", "1e", "1.5d", "0x10", "0x1p-2", "--1", "+NaN", "1_000", "Infinityx", "0x1p")) {
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      assertThatThrownBy(() -> Numbers.parseDouble(b, 0, b.length)).as(s).isInstanceOf(NumberFormatException.class);
    }
    byte[] max = "9223372036854775807".getBytes(StandardCharsets.US_ASCII);
    byte[] min = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
    byte[] over = "9223372036854775808".getBytes(StandardCharsets.US_ASCII);
    assertThat(Numbers.parseLong(max, 0, max.length)).isEqualTo(Long.MAX_VALUE);
    assertThat(Numbers.parseLong(min, 0, min.length)).isEqualTo(Long.MIN_VALUE);
    assertThatThrownBy(() -> Numbers.parseLong(over, 0, over.length)).isInstanceOf(NumberFormatException.class);
  }
}
