package io.remotesecrets.agent.textparse;

import io.remotesecrets.agent.model.Labels;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Parses the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text into samples,
 * byte by byte, without regular expressions or intermediate lines.
 *
 * <p>What it accepts follows Prometheus 2.42's {@code textparse} package: metric names
 * {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names {@code [a-zA-Z_][a-zA-Z0-9_]*}, label values in
 * double quotes with {@code \\}, {@code \"} and {@code \n} escapes and valid UTF-8, values as Go's
 * {@code ParseFloat} reads them. In the Prometheus format, tokens are separated by spaces or tabs,
 * timestamps are integer milliseconds, and {@code #} lines other than HELP and TYPE are comments.
 * A label whose value is empty is left out of the series, as Prometheus stores it.
 * OpenMetrics is strict: single spaces, timestamps in (fractional) seconds, exemplars after
 * {@code " # "} (validated and skipped), no other comments, and the data must end with
 * {@code # EOF}.
 *
 * <p>An instance caches decoded names and values (up to 8192) and the parsed series of each
 * format by their raw bytes (up to 65536; cleared when full), so a scraper should keep one per
 * target and reuse it: from the second scrape on, known series are neither parsed nor
 * allocated again. Not thread-safe.
 */
public final class TextParser {
  /** The timestamp passed for samples that carry none. */
  public static final long NO_TIMESTAMP = Long.MIN_VALUE;

  private final StringCache strings = new StringCache();
  private final SeriesCache textSeries = new SeriesCache();
  private final SeriesCache omSeries = new SeriesCache();
  private String[] pairs = new String[32];
  private int npairs;
  private byte[] unescaped = new byte[256];

  private byte[] buf;
  private int pos;
  private int end;
  private int line;
  private boolean om;

  /** Parses a whole response body whose format the Content-Type header names (may be null). */
  public void parse(byte[] data, String contentType, SampleHandler handler) {
    parse(data, 0, data.length, Format.fromContentType(contentType), handler);
  }

  /** Parses the remaining bytes of a buffer; its position is not moved. */
  public void parse(ByteBuffer data, Format format, SampleHandler handler) {
    if (data.hasArray()) {
      parse(data.array(), data.arrayOffset() + data.position(), data.remaining(), format, handler);
    } else {
      byte[] copy = new byte[data.remaining()];
      data.duplicate().get(copy);
      parse(copy, 0, copy.length, format, handler);
    }
  }

  /**
   * Parses {@code len} bytes from {@code off}, calling the handler for each sample, TYPE, HELP
   * and UNIT line in order.
   *
   * @throws TextParseException at the first malformed line; samples before it were delivered
   */
  public void parse(byte[] data, int off, int len, Format format, SampleHandler handler) {
    if (off < 0 || len < 0 || off + len > data.length) throw new IndexOutOfBoundsException();
    this.buf = data;
    this.pos = off;
    this.end = off + len;
    this.line = 1;
    this.om = format == Format.OPENMETRICS;
    try {
      boolean sawEof = false;
      while (pos < end) {
        if (sawEof) throw error("unexpected data after \"# EOF\"");
        byte b = buf[pos];
        if (b == '#') {
          sawEof = comment(handler);
        } else if (b == '\n') {
          if (om) throw error("unexpected empty line");
          pos++;
          line++;
        } else if (!om && (b == ' ' || b == '\t' || b == '\r')) {
          skipBlanks();
          if (pos < end && buf[pos] != '\n') sample(handler);
        } else {
          sample(handler);
        }
      }
      if (om && !sawEof) throw error("expected \"# EOF\" at the end of the data");
    } finally {
      this.buf = null;
      Arrays.fill(pairs, 0, npairs, null);
      npairs = 0;
    }
  }

  // ---- comments ---------------------------------------------------------------------------

  /** Returns true for an OpenMetrics {@code # EOF} line. */
  private boolean comment(SampleHandler handler) {
    pos++; // '#'
    if (om) {
      expect(' ', "\" \" after \"#\"");
    } else {
      if (!isBlank()) {
        skipLine();
        return false;
      }
      skipBlanks();
    }
    int kwStart = pos;
    while (pos < end && buf[pos] >= 'A' && buf[pos] <= 'Z') pos++;
    String keyword = new String(buf, kwStart, pos - kwStart, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (om && keyword.equals("EOF")) {
      if (pos < end && buf[pos] == '\n') {
        pos++;
        line++;
      } else if (pos < end) {
        throw error("expected end of line after \"# EOF\", got " + describe(pos));
      }
      return true;
    }
    boolean known = keyword.equals("HELP") || keyword.equals("TYPE") || (om && keyword.equals("UNIT"));
    if (!known || !(pos < end && (buf[pos] == ' ' || (!om && buf[pos] == '\t')))) {
      if (om) throw error("expected HELP, TYPE, UNIT or EOF after \"# \", got " + describe(kwStart));
      skipLine();
      return false;
    }
    separator();
    String family = metricName("metric name after \"# " + keyword + "\"");
    switch (keyword) {
      case "TYPE" -> {
        separator();
        int s = pos;
        while (pos < end && buf[pos] != '\n' && !isBlank()) pos++;
        String t = new String(buf, s, pos - s, java.nio.charset.StandardCharsets.ISO_8859_1);
        MetricType type = typeOf(t);
        if (type == null) throw error("invalid metric type \"" + t + "\"");
        endOfLine();
        handler.type(family, type);
      }
      case "HELP" -> {
        String text = "";
        if (pos < end && buf[pos] != '\n') {
          if (om) separator();
          else if (isBlank()) pos++; // Prometheus drops exactly one blank before the text
          else throw error("expected a space, got " + describe(pos));
          text = docString();
        }
        endOfLineExact();
        handler.help(family, text);
      }
      default -> {
        String unit = "";
        if (pos < end && buf[pos] != '\n') {
          separator();
          int s = pos;
          while (pos < end && buf[pos] != '\n') pos++;
          unit = strings.get(buf, s, pos - s);
          if (unit == null) throw error("invalid UTF-8 in UNIT");
        }
        if (!unit.isEmpty() && !(family.endsWith(unit) && family.length() > unit.length() + 1
            && family.charAt(family.length() - unit.length() - 1) == '_')) {
          throw error("unit not a suffix of metric \"" + family + "\"");
        }
        endOfLineExact();
        handler.unit(family, unit);
      }
    }
    return false;
  }

  private MetricType typeOf(String t) {
    if (om) {
      return switch (t) {
        case "counter" -> MetricType.COUNTER;
        case "gauge" -> MetricType.GAUGE;
        case "histogram" -> MetricType.HISTOGRAM;
        case "gaugehistogram" -> MetricType.GAUGE_HISTOGRAM;
        case "summary" -> MetricType.SUMMARY;
        case "info" -> MetricType.INFO;
        case "stateset" -> MetricType.STATESET;
        case "unknown" -> MetricType.UNKNOWN;
        default -> null;
      };
    }
    return switch (t) {
      case "counter" -> MetricType.COUNTER;
      case "gauge" -> MetricType.GAUGE;
      case "histogram" -> MetricType.HISTOGRAM;
      case "summary" -> MetricType.SUMMARY;
      case "untyped" -> MetricType.UNKNOWN;
      default -> null;
    };
  }

  /** HELP text up to the end of line: {@code \\} and {@code \n} escapes (and {@code \"} in OpenMetrics). */
  private String docString() {
    int s = pos;
    boolean escaped = false;
    while (pos < end && buf[pos] != '\n') {
      if (buf[pos] == '\\') escaped = true;
      pos++;
    }
    int e = pos;
    if (!om) {
      while (e > s && buf[e - 1] == '\r') e--;
    }
    if (!escaped) {
      String text = strings.get(buf, s, e - s);
      if (text == null) throw error("invalid UTF-8 in HELP");
      return text;
    }
    int n = 0;
    ensureUnescaped(e - s);
    for (int i = s; i < e; i++) {
      byte c = buf[i];
      if (c == '\\' && i + 1 < e) {
        byte next = buf[i + 1];
        if (next == '\\' || next == 'n' || (om && next == '"')) {
          unescaped[n++] = next == 'n' ? (byte) '\n' : next;
          i++;
          continue;
        }
      }
      unescaped[n++] = c;
    }
    String text = strings.get(unescaped, 0, n);
    if (text == null) throw error("invalid UTF-8 in HELP");
    return text;
  }

  // ---- samples ----------------------------------------------------------------------------

  private void sample(SampleHandler handler) {
    Labels series = series();
    if (om) {
      expect(' ', "\" \" before the value");
    } else {
      if (!isBlank()) throw error("expected \"{\" or a space after the metric name, got " + describe(pos));
      skipBlanks();
    }
    int vs = pos;
    while (pos < end && !isBlankOrEol()) pos++;
    if (vs == pos) throw error("expected a value, got " + describe(pos));
    double value;
    try {
      value = Numbers.parseDouble(buf, vs, pos);
    } catch (NumberFormatException e) {
      throw error("invalid value " + quote(vs, pos));
    }
    long ts = NO_TIMESTAMP;
    if (om) {
      if (pos < end && buf[pos] == ' ') {
        pos++;
        if (pos < end && buf[pos] == '#') {
          exemplar();
        } else {
          ts = omTimestamp();
          if (pos < end && buf[pos] == ' ') {
            pos++;
            if (pos < end && buf[pos] == '#') exemplar();
            else throw error("expected \"#\" before an exemplar, got " + describe(pos));
          }
        }
      }
      endOfLineExact();
    } else {
      skipBlanks();
      if (pos < end && buf[pos] != '\n') {
        int ts0 = pos;
        while (pos < end && !isBlankOrEol()) pos++;
        try {
          ts = Numbers.parseLong(buf, ts0, pos);
        } catch (NumberFormatException e) {
          throw error("invalid timestamp " + quote(ts0, pos));
        }
      }
      endOfLine();
    }
    handler.sample(series, value, ts);
  }

  /** The series at pos (name and label set): from the cache when these exact bytes were seen before. */
  private Labels series() {
    int s = pos;
    int h = 0;
    while (pos < end && isNameChar(buf[pos])) h = 31 * h + buf[pos++];
    boolean scanned = pos > s;
    if (scanned && !om) {
      // Prometheus's lexer allows blanks between the name and the label set.
      int q = pos;
      while (q < end && (buf[q] == ' ' || buf[q] == '\t')) q++;
      if (q < end && buf[q] == '{') {
        while (pos < q) h = 31 * h + buf[pos++];
      }
    }
    if (scanned && pos < end && buf[pos] == '{') {
      // Find the end of the label set without parsing it: quotes and escapes only.
      boolean quoted = false;
      while (true) {
        if (pos >= end || buf[pos] == '\n') {
          scanned = false;
          break;
        }
        byte c = buf[pos++];
        h = 31 * h + c;
        if (quoted) {
          if (c == '\\' && pos < end && buf[pos] != '\n') h = 31 * h + buf[pos++];
          else if (c == '"') quoted = false;
        } else if (c == '"') {
          quoted = true;
        } else if (c == '}') {
          break;
        }
      }
    }
    SeriesCache cache = om ? omSeries : textSeries;
    int e = pos;
    if (scanned) {
      Labels hit = cache.get(buf, s, e - s, h);
      if (hit != null) return hit;
    }
    pos = s;
    String name = metricName("metric name");
    npairs = 0;
    add(Labels.METRIC_NAME, name);
    if (!om) {
      int afterName = pos;
      skipBlanks();
      if (pos >= end || buf[pos] != '{') pos = afterName;
    }
    if (pos < end && buf[pos] == '{') labelSet(true);
    Labels series;
    try {
      series = Labels.of(Arrays.copyOf(pairs, npairs));
    } catch (IllegalArgumentException ex) {
      throw error(ex.getMessage());
    }
    // A label with an empty value is no label at all for Prometheus: it is not part of the series.
    boolean empties = false;
    for (int i = 3; i < npairs; i += 2) empties |= pairs[i].isEmpty();
    if (empties) {
      Labels.Builder b = series.toBuilder();
      for (int i = 2; i < npairs; i += 2) {
        if (pairs[i + 1].isEmpty()) b.delete(pairs[i]);
      }
      series = b.build();
    }
    if (scanned && pos == e) cache.put(buf, s, e - s, h, series);
    return series;
  }

  private long omTimestamp() {
    int s = pos;
    while (pos < end && buf[pos] != ' ' && buf[pos] != '\n') pos++;
    if (s == pos) throw error("expected a timestamp, got " + describe(pos));
    double seconds;
    try {
      seconds = Numbers.parseDouble(buf, s, pos);
    } catch (NumberFormatException e) {
      throw error("invalid timestamp " + quote(s, pos));
    }
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) throw error("invalid timestamp " + quote(s, pos));
    return (long) (seconds * 1000);
  }

  /** {@code # {labels} value [timestamp]} after a sample; checked, then dropped. */
  private void exemplar() {
    pos++; // '#'
    expect(' ', "\" \" after \"#\" in an exemplar");
    if (pos >= end || buf[pos] != '{') throw error("expected \"{\" to start exemplar labels, got " + describe(pos));
    int saved = npairs;
    labelSet(false);
    npairs = saved;
    expect(' ', "\" \" before the exemplar value");
    int vs = pos;
    while (pos < end && buf[pos] != ' ' && buf[pos] != '\n') pos++;
    try {
      Numbers.parseDouble(buf, vs, pos);
    } catch (NumberFormatException e) {
      throw error("invalid exemplar value " + quote(vs, pos));
    }
    if (pos < end && buf[pos] == ' ') {
      pos++;
      omTimestamp();
    }
  }

  private void labelSet(boolean keep) {
    pos++; // '{'
    boolean first = true;
    while (true) {
      if (!om) skipBlanks();
      if (pos < end && buf[pos] == '}' && (first || !om)) {
        pos++;
        return;
      }
      int ns = pos;
      if (pos < end && isLabelNameStart(buf[pos])) {
        pos++;
        while (pos < end && isLabelNameChar(buf[pos])) pos++;
      }
      if (ns == pos) throw error("expected label name" + (first ? " or \"}\"" : "") + ", got " + describe(pos));
      String name = strings.get(buf, ns, pos - ns);
      if (!om) skipBlanks();
      if (pos >= end || buf[pos] != '=') throw error("expected \"=\" after label name, got " + describe(pos));
      pos++;
      if (!om) skipBlanks();
      if (pos >= end || buf[pos] != '"') throw error("expected label value in double quotes, got " + describe(pos));
      String value = labelValue();
      if (keep) add(name, value);
      if (!om) skipBlanks();
      first = false;
      if (pos < end && buf[pos] == ',') {
        pos++;
        continue;
      }
      if (pos < end && buf[pos] == '}') {
        pos++;
        return;
      }
      throw error("expected \",\" or \"}\" after label value, got " + describe(pos));
    }
  }

  private String labelValue() {
    pos++; // opening quote
    int s = pos;
    boolean escaped = false;
    while (true) {
      if (pos >= end || buf[pos] == '\n') throw error("unterminated label value");
      byte c = buf[pos];
      if (c == '"') break;
      if (c == '\\') {
        escaped = true;
        pos++;
        if (pos >= end || buf[pos] == '\n') throw error("unterminated label value");
      }
      pos++;
    }
    int e = pos;
    pos++; // closing quote
    String value;
    if (!escaped) {
      value = strings.get(buf, s, e - s);
    } else {
      ensureUnescaped(e - s);
      int n = 0;
      for (int i = s; i < e; i++) {
        byte c = buf[i];
        if (c == '\\') {
          byte next = buf[++i];
          if (next == 'n') {
            unescaped[n++] = '\n';
          } else if (next == '\\' || next == '"') {
            unescaped[n++] = next;
          } else {
            // Prometheus keeps an unknown escape as written.
            unescaped[n++] = c;
            unescaped[n++] = next;
          }
        } else {
          unescaped[n++] = c;
        }
      }
      value = strings.get(unescaped, 0, n);
    }
    if (value == null) throw error("invalid UTF-8 label value");
    return value;
  }

  private String metricName(String what) {
    int s = pos;
    if (pos < end && isNameStart(buf[pos])) {
      pos++;
      while (pos < end && isNameChar(buf[pos])) pos++;
    }
    if (s == pos) throw error("expected " + what + ", got " + describe(pos));
    return strings.get(buf, s, pos - s);
  }

  private void add(String name, String value) {
    if (npairs + 2 > pairs.length) pairs = Arrays.copyOf(pairs, pairs.length * 2);
    pairs[npairs++] = name;
    pairs[npairs++] = value;
  }

  // ---- lexing helpers ---------------------------------------------------------------------

  private void separator() {
    if (om) {
      expect(' ', "\" \"");
    } else {
      if (!isBlank()) throw error("expected a space, got " + describe(pos));
      skipBlanks();
    }
  }

  private void expect(char c, String what) {
    if (pos >= end || buf[pos] != c) throw error("expected " + what + ", got " + describe(pos));
    pos++;
  }

  /** End of line after optional blanks (Prometheus format) or exactly (OpenMetrics). */
  private void endOfLine() {
    if (!om) skipBlanks();
    endOfLineExact();
  }

  private void endOfLineExact() {
    if (pos >= end) {
      if (om) throw error("expected end of line, got end of input");
      return;
    }
    if (buf[pos] != '\n') throw error("expected end of line, got " + describe(pos));
    pos++;
    line++;
  }

  private void skipLine() {
    while (pos < end && buf[pos] != '\n') pos++;
    if (pos < end) {
      pos++;
      line++;
    }
  }

  private boolean isBlank() {
    if (pos >= end) return false;
    byte c = buf[pos];
    return c == ' ' || c == '\t' || (!om && c == '\r');
  }

  private boolean isBlankOrEol() {
    byte c = buf[pos];
    return c == ' ' || c == '\n' || (!om && (c == '\t' || c == '\r'));
  }

  private void skipBlanks() {
    while (isBlank()) pos++;
  }

  private static boolean isNameStart(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  private static boolean isNameChar(byte c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
  }

  private static boolean isLabelNameStart(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isLabelNameChar(byte c) {
    return isLabelNameStart(c) || (c >= '0' && c <= '9');
  }

  private void ensureUnescaped(int n) {
    if (unescaped.length < n) unescaped = new byte[Math.max(n, unescaped.length * 2)];
  }

  private TextParseException error(String message) {
    return new TextParseException(line, message);
  }

  private String describe(int at) {
    if (at >= end) return "end of input";
    int c = buf[at] & 0xff;
    if (c == '\n') return "end of line";
    if (c >= 0x20 && c < 0x7f) return "\"" + (char) c + "\"";
    return String.format("byte 0x%02x", c);
  }

  private String quote(int s, int e) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = s; i < Math.min(e, s + 64); i++) {
      int c = buf[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') sb.append((char) c);
      else sb.append(String.format("\\x%02x", c));
    }
    if (e - s > 64) sb.append("...");
    return sb.append('"').toString();
  }
}
