package io.remotesecrets.agent.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.OutputStream;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** Sets up logging from the {@code --log.level} and {@code --log.format} flags. */
public final class Logging {
  private Logging() {}

  /** The formats {@code --log.format} accepts. */
  public enum Format {
    LOGFMT, JSON;

    LayoutBase<ILoggingEvent> layout() {
      return this == JSON ? new JsonLayout() : new LogfmtLayout();
    }
  }

  /** Parses a {@code --log.level} value: debug, info, warn or error. */
  public static Level level(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "debug" -> Level.DEBUG;
      case "info" -> Level.INFO;
      case "warn" -> Level.WARN;
      case "error" -> Level.ERROR;
      default -> throw new IllegalArgumentException("log level must be one of debug, info, warn, error; got \"" + text + "\"");
    };
  }

  /** Sends every log event at {@code level} or above to standard error, in {@code format}. */
  public static void configure(Level level, Format format) {
    configure(level, format, null);
  }

  /** As {@link #configure(Level, Format)}, to {@code out} instead of standard error (tests). */
  public static void configure(Level level, Format format, OutputStream out) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    LayoutBase<ILoggingEvent> layout = format.layout();
    layout.setContext(ctx);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(ctx);
    encoder.setLayout(layout);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender;
    if (out == null) {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setTarget("System.err");
      appender = console;
    } else {
      appender = new OutputStreamAppender<>();
      appender.setOutputStream(out);
    }
    appender.setContext(ctx);
    appender.setName("main");
    appender.setEncoder(encoder);
    appender.setImmediateFlush(true);
    appender.start();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    root.setLevel(level);
    // The JDK HTTP client and server log through System.Logger, not SLF4J: nothing to quiet here.
  }
}
