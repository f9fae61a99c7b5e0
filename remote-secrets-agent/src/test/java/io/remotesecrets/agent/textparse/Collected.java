package io.remotesecrets.agent.textparse;

import io.remotesecrets.agent.model.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A handler that records everything, for assertions. */
final class Collected implements SampleHandler {
  record Parsed(Labels series, double value, long timestampMs) {
    @Override
    public boolean equals(Object o) {
      // Compare values bit for bit so NaN equals NaN and the stale marker differs from NaN.
      return o instanceof Parsed p && p.series.equals(series) && p.timestampMs == timestampMs
          && Double.doubleToRawLongBits(p.value) == Double.doubleToRawLongBits(value);
    }

    @Override
    public int hashCode() {
      return series.hashCode() * 31 + Long.hashCode(timestampMs);
    }
  }

  final List<Parsed> samples = new ArrayList<>();
  final Map<String, MetricType> types = new LinkedHashMap<>();
  final Map<String, String> helps = new LinkedHashMap<>();
  final Map<String, String> units = new LinkedHashMap<>();

  static Collected parse(String text, Format format) {
    Collected c = new Collected();
    byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    new TextParser().parse(b, 0, b.length, format, c);
    return c;
  }

  @Override
  public void sample(Labels series, double value, long timestampMs) {
    samples.add(new Parsed(series, value, timestampMs));
  }

  @Override
  public void type(String family, MetricType type) {
    types.put(family, type);
  }

  @Override
  public void help(String family, String help) {
    helps.put(family, help);
  }

  @Override
  public void unit(String family, String unit) {
    units.put(family, unit);
  }
}
