package io.remotesecrets.agent.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.event.KeyValuePair;

/**
 * Formats events as logfmt, the format Prometheus logs in:
 * {@code ts=2026-12-04T16:10:00.123Z level=info logger=Agent msg="Configuration loaded" file=/etc/p.yml}.
 * SLF4J key-value pairs become fields; an exception is printed as {@code err} (its class and
 * message, one line: messages of this project never hold secret values).
 */
public final class LogfmtLayout extends LayoutBase<ILoggingEvent> {
  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(160);
    field(sb, "ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
    field(sb, "level", event.getLevel().toString().toLowerCase(Locale.ROOT));
    field(sb, "logger", shortName(event.getLoggerName()));
    field(sb, "msg", event.getFormattedMessage());
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) field(sb, kv.key, String.valueOf(kv.value));
    }
    IThrowableProxy t = event.getThrowableProxy();
    if (t != null) field(sb, "err", describe(t));
    return sb.append('\n').toString();
  }

  static String shortName(String loggerName) {
    int dot = loggerName.lastIndexOf('.');
    return dot < 0 ? loggerName : loggerName.substring(dot + 1);
  }

  static String describe(IThrowableProxy t) {
    StringBuilder sb = new StringBuilder();
    for (IThrowableProxy c = t; c != null; c = c.getCause()) {
      if (sb.length() > 0) sb.append(": caused by ");
      sb.append(shortName(c.getClassName()));
      if (c.getMessage() != null) sb.append(": ").append(c.getMessage());
    }
    return sb.toString();
  }

  private static void field(StringBuilder sb, String key, String value) {
    if (sb.length() > 0) sb.append(' ');
    sb.append(key).append('=');
    if (value == null) value = "";
    boolean quote = value.isEmpty();
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f;
    }
    if (!quote) {
      sb.append(value);
      return;
    }
    sb.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < ' ' || c == 0x7f) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }
}
