package io.remotesecrets.agent.textparse;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.textparse.Collected.Parsed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class TextParserProperties {
  record Family(String name, MetricType type, String help, List<Parsed> samples) {}

  @Property(tries = 300)
  void renderedPrometheusTextParsesBack(@ForAll("families") List<Family> families) {
    String text = render(families, false);
    Collected c = Collected.parse(text, Format.PROMETHEUS_TEXT);
    assertThat(c.samples).isEqualTo(expected(families, false));
    for (Family f : families) assertThat(c.types).containsEntry(f.name, f.type);
  }

  @Property(tries = 300)
  void renderedOpenMetricsParsesBack(@ForAll("families") List<Family> families) {
    String text = render(families, true);
    Collected c = Collected.parse(text, Format.OPENMETRICS);
    assertThat(c.samples).isEqualTo(expected(families, true));
    for (Family f : families) assertThat(c.helps).containsEntry(f.name, f.help);
  }

  /** Shared across tries: its caches see many inputs, as a scraper's parser does. */
  private static final TextParser REUSED = new TextParser();

  @Property(tries = 300)
  void aReusedParserAgreesWithAFreshOne(@ForAll("families") List<Family> families, @ForAll boolean om,
      @ForAll @IntRange(min = 0, max = 10_000) int at, @ForAll byte replacement) {
    byte[] b = render(families, om).getBytes(StandardCharsets.UTF_8);
    if (b.length > 0 && at % 3 == 0) b[at % b.length] = replacement; // sometimes invalid
    Format f = om ? Format.OPENMETRICS : Format.PROMETHEUS_TEXT;
    for (int pass = 0; pass < 2; pass++) {
      Collected fresh = new Collected();
      Collected reused = new Collected();
      String freshError = null;
      String reusedError = null;
      try {
        new TextParser().parse(b, 0, b.length, f, fresh);
      } catch (TextParseException e) {
        freshError = e.getMessage();
      }
      try {
        REUSED.parse(b, 0, b.length, f, reused);
      } catch (TextParseException e) {
        reusedError = e.getMessage();
      }
      assertThat(reused.samples).isEqualTo(fresh.samples);
      assertThat(reusedError).isEqualTo(freshError);
    }
  }

  @Property(tries = 2000)
  void arbitraryBytesOnlyEverThrowTextParseException(@ForAll @Size(max = 200) byte[] bytes, @ForAll boolean om) {
    parseExpectingOnlyOwnException(bytes, om);
  }

  @Property(tries = 500)
  void mutatedValidInputOnlyEverThrowsTextParseException(
      @ForAll("families") List<Family> families, @ForAll boolean om, @ForAll @IntRange(min = 0, max = 10_000) int at,
      @ForAll byte replacement, @ForAll boolean truncate) {
    byte[] b = render(families, om).getBytes(StandardCharsets.UTF_8);
    if (b.length == 0) return;
    int i = at % b.length;
    if (truncate) b = java.util.Arrays.copyOf(b, i);
    else b[i] = replacement;
    parseExpectingOnlyOwnException(b, om);
  }

  private static void parseExpectingOnlyOwnException(byte[] bytes, boolean om) {
    try {
      new TextParser().parse(bytes, 0, bytes.length, om ? Format.OPENMETRICS : Format.PROMETHEUS_TEXT, (s, v, t) -> {
        assertThat(s.metricName()).isNotEmpty();
      });
    } catch (TextParseException e) {
      assertThat(e.getMessage()).startsWith("line " + e.line() + ": ");
      assertThat(e.line()).isBetween(1, bytes.length + 1);
    }
  }

  // ---- generators and renderer ------------------------------------------------------------

  @Provide
  Arbitrary<List<Family>> families() {
    Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('_', ':').ofMinLength(1).ofMaxLength(12)
        .filter(s -> !s.startsWith(":") || s.length() > 1);
    Arbitrary<String> labelNames = Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofMinLength(1).ofMaxLength(8)
        .filter(s -> !s.equals("__name__"));
    Arbitrary<String> labelValues = Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(6),
        Arbitraries.strings().withChars('\\', '"', '\n', ' ', ',', '{', '}', '=', '#', 'é', '✓', '\t').ofMaxLength(6),
        Arbitraries.strings().ofMaxLength(8).filter(s -> s.codePoints().allMatch(Character::isDefined)
            && s.chars().noneMatch(c -> Character.isSurrogate((char) c))));
    Arbitrary<Map<String, String>> labelSets = Arbitraries.maps(labelNames, labelValues).ofMaxSize(4);
    Arbitrary<Double> values = Arbitraries.oneOf(
        Arbitraries.doubles(), Arbitraries.integers().map(i -> (double) i),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-300));
    Arbitrary<Long> timestamps = Arbitraries.oneOf(Arbitraries.just(TextParser.NO_TIMESTAMP), Arbitraries.longs().between(-1_000_000_000_000L, 4_000_000_000_000L));
    Arbitrary<Parsed> samples = Combinators.combine(labelSets, values, timestamps)
        .as((ls, v, t) -> new Parsed(Labels.of(ls), v, t));
    Arbitrary<Family> fams = Combinators.combine(names, Arbitraries.of(MetricType.COUNTER, MetricType.GAUGE, MetricType.UNKNOWN, MetricType.SUMMARY),
        Arbitraries.strings().ofMaxLength(20).filter(s -> s.chars().noneMatch(c -> Character.isSurrogate((char) c)) && !s.startsWith(" ") && !s.endsWith("\r")),
        samples.list().ofMaxSize(5))
        .as(Family::new);
    return fams.list().ofMaxSize(6).uniqueElements(Family::name);
  }

  /** What the parser must report: the family name as __name__, OpenMetrics timestamps at ms resolution. */
  private static List<Parsed> expected(List<Family> families, boolean om) {
    List<Parsed> out = new ArrayList<>();
    for (Family f : families) {
      for (Parsed p : f.samples) {
        Map<String, String> m = new LinkedHashMap<>(p.series().toMap());
        m.values().removeIf(String::isEmpty); // Prometheus drops empty-valued labels
        m.put("__name__", f.name);
        long ts = p.timestampMs();
        if (om && ts != TextParser.NO_TIMESTAMP) ts = (long) (omSeconds(ts) * 1000);
        out.add(new Parsed(Labels.of(m), p.value(), ts));
      }
    }
    return out;
  }

  private static double omSeconds(long ms) {
    return Double.parseDouble(java.math.BigDecimal.valueOf(ms, 3).toPlainString());
  }

  static String render(List<Family> families, boolean om) {
    StringBuilder sb = new StringBuilder();
    for (Family f : families) {
      sb.append("# HELP ").append(f.name).append(' ').append(escapeHelp(f.help, om)).append('\n');
      sb.append("# TYPE ").append(f.name).append(' ').append(typeName(f.type, om)).append('\n');
      for (Parsed p : f.samples) {
        sb.append(f.name);
        if (!p.series().isEmpty() || om) {
          sb.append('{');
          for (int i = 0; i < p.series().size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(p.series().name(i)).append("=\"").append(escapeValue(p.series().value(i))).append('"');
          }
          sb.append('}');
        }
        sb.append(' ').append(formatValue(p.value()));
        if (p.timestampMs() != TextParser.NO_TIMESTAMP) {
          sb.append(' ').append(om ? java.math.BigDecimal.valueOf(p.timestampMs(), 3).toPlainString() : Long.toString(p.timestampMs()));
        }
        sb.append('\n');
      }
    }
    if (om) sb.append("# EOF\n");
    return sb.toString();
  }

  private static String typeName(MetricType t, boolean om) {
    if (t == MetricType.UNKNOWN) return om ? "unknown" : "untyped";
    return t.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String formatValue(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (v == Double.POSITIVE_INFINITY) return "+Inf";
    if (v == Double.NEGATIVE_INFINITY) return "-Inf";
    return Double.toString(v);
  }

  private static String escapeValue(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String escapeHelp(String s, boolean om) {
    String e = s.replace("\\", "\\\\").replace("\n", "\\n");
    return om ? e.replace("\"", "\\\"") : e;
  }
}
