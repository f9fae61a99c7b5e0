package io.remotesecrets.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus durations ({@code 1h30m}, {@code 90s}, {@code 500ms}, {@code 1y}), as in prometheus/common model. */
public final class Durations {
  private static final Pattern DURATION =
      Pattern.compile("^(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?$");
  private static final long[] UNIT_MILLIS = {
    365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000, 60_000, 1000, 1
  };

  private Durations() {}

  /**
   * Parses a Prometheus duration.
   *
   * @throws IllegalArgumentException {@code not a valid duration string: "<text>"}, as Prometheus says
   */
  public static Duration parse(String text) {
    if (text.equals("0")) return Duration.ZERO;
    Matcher m = DURATION.matcher(text);
    if (text.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException("not a valid duration string: \"" + text + "\"");
    }
    long millis = 0;
    try {
      for (int i = 0; i < UNIT_MILLIS.length; i++) {
        String g = m.group(i + 1);
        if (g != null) millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(g), UNIT_MILLIS[i]));
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("duration out of range: \"" + text + "\"");
    }
    return Duration.ofMillis(millis);
  }

  /** Formats as Prometheus does: {@code 1h30m}, {@code 0s}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) return "0s";
    StringBuilder sb = new StringBuilder();
    String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
    for (int i = 0; i < units.length; i++) {
      long n = ms / UNIT_MILLIS[i];
      if (n > 0) {
        sb.append(n).append(units[i]);
        ms -= n * UNIT_MILLIS[i];
      }
    }
    return sb.toString();
  }
}
