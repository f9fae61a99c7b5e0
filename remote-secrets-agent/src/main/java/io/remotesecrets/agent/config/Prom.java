package io.remotesecrets.agent.config;

import java.util.regex.Pattern;

/** Prometheus's rules for names and its way of quoting, shared by the agent's packages. */
public final class Prom {
  /** Label names as Prometheus 2.42 accepts them (legacy validation). */
  private static final Pattern LABEL_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");

  private Prom() {}

  public static boolean isValidLabelName(String name) {
    return LABEL_NAME.matcher(name).matches();
  }

  /** A string quoted as Go's {@code %q} quotes it, for messages worded like Prometheus's. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }
}
