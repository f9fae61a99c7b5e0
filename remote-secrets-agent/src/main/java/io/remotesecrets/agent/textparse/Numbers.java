package io.remotesecrets.agent.textparse;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Number syntax as Go's strconv, which Prometheus's parsers use. */
final class Numbers {
  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  private Numbers() {}

  /**
   * Parses a float as Prometheus's text parsers do ({@code strconv.ParseFloat(s, 64)} without
   * the Go 1.13 additions): decimal forms, {@code Inf}/{@code Infinity} with optional sign and
   * {@code NaN} in any case. Out-of-range values are errors, as in Go.
   *
   * @throws NumberFormatException if the token is not a float
   */
  static double parseDouble(byte[] b, int s, int e) {
    int i = s;
    if (i >= e) throw new NumberFormatException();
    boolean neg = false;
    byte c = b[i];
    if (c == '+' || c == '-') {
      neg = c == '-';
      i++;
    }
    long mant = 0;
    int digits = 0;
    int exp10 = 0;
    boolean any = false;
    boolean exact = true;
    while (i < e && (c = b[i]) >= '0' && c <= '9') {
      any = true;
      if (digits < 18) {
        mant = mant * 10 + (c - '0');
        if (mant != 0) digits++;
      } else {
        exact = false;
      }
      i++;
    }
    if (i < e && b[i] == '.') {
      i++;
      while (i < e && (c = b[i]) >= '0' && c <= '9') {
        any = true;
        if (digits < 18) {
          mant = mant * 10 + (c - '0');
          if (mant != 0) digits++;
          exp10--;
        } else {
          exact = false;
        }
        i++;
      }
    }
    if (any && i < e && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      boolean eneg = false;
      if (i < e && (b[i] == '+' || b[i] == '-')) {
        eneg = b[i] == '-';
        i++;
      }
      if (i >= e) throw new NumberFormatException();
      int x = 0;
      while (i < e && (c = b[i]) >= '0' && c <= '9') {
        if (x < 100000) x = x * 10 + (c - '0');
        i++;
      }
      exp10 += eneg ? -x : x;
    }
    if (any && i == e && exact && mant < (1L << 53) && exp10 >= -22 && exp10 <= 22) {
      // Clinger's fast path: both operands are exact doubles, so one IEEE operation rounds correctly.
      double d = mant;
      d = exp10 < 0 ? d / POW10[-exp10] : d * POW10[exp10];
      return neg ? -d : d;
    }
    return slow(b, s, e);
  }

  private static double slow(byte[] b, int s, int e) {
    String tok = new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    String lower = tok.toLowerCase(Locale.ROOT);
    int signLen = lower.startsWith("+") || lower.startsWith("-") ? 1 : 0;
    String body = lower.substring(signLen);
    if (body.equals("inf") || body.equals("infinity")) {
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (body.equals("nan") && signLen == 0) return Double.NaN;
    // Prometheus keeps to pre-Go 1.13 float syntax: no hexadecimal ('p' exponent), no '_'.
    for (int i = signLen; i < lower.length(); i++) {
      char ch = lower.charAt(i);
      if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == 'e' || ch == '+' || ch == '-')) throw new NumberFormatException();
    }
    double d = Double.parseDouble(tok);
    if (Double.isInfinite(d)) throw new NumberFormatException();
    return d;
  }

  /**
   * Parses a decimal int64 as Go's {@code strconv.ParseInt(s, 10, 64)}.
   *
   * @throws NumberFormatException if the token is not an integer or overflows
   */
  static long parseLong(byte[] b, int s, int e) {
    int i = s;
    boolean neg = false;
    if (i < e && (b[i] == '+' || b[i] == '-')) {
      neg = b[i] == '-';
      i++;
    }
    if (i >= e) throw new NumberFormatException();
    long v = 0;
    for (; i < e; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) throw new NumberFormatException();
      // Accumulate negatively: the negative range is one larger.
      if (v < (Long.MIN_VALUE + d) / 10) throw new NumberFormatException();
      v = v * 10 - d;
    }
    if (!neg) {
      if (v == Long.MIN_VALUE) throw new NumberFormatException();
      v = -v;
    }
    return v;
  }
}
