package io.remotesecrets.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of the process (root logger, all levels) while open, rendered with
 * arguments and throwables, for canary tests. Needs logback-classic on the test class path.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final ch.qos.logback.classic.Level previous;

  public LogCapture() {
    previous = root.getLevel();
    root.setLevel(ch.qos.logback.classic.Level.TRACE);
    appender.start();
    root.addAppender(appender);
  }

  /** Every captured event: level, logger, formatted message, throwable chain with messages. */
  public String text() {
    synchronized (appender.list) {
      return appender.list.stream().map(LogCapture::render).collect(Collectors.joining("\n"));
    }
  }

  public List<ILoggingEvent> events() {
    synchronized (appender.list) {
      return List.copyOf(appender.list);
    }
  }

  private static String render(ILoggingEvent e) {
    StringBuilder sb = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage());
    for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
      sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    }
    return sb.toString();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    root.setLevel(previous);
  }
}
