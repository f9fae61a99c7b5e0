package io.remotesecrets.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LayoutTest {
  final Logger log = LoggerFactory.getLogger("io.remotesecrets.agent.Example");

  @AfterEach
  void restore() {
    Logging.configure(Level.INFO, Logging.Format.LOGFMT);
  }

  String capture(Logging.Format format, Level level, Runnable logging) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Logging.configure(level, format, out);
    logging.run();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void logfmtQuotesWhatNeedsQuoting() {
    String line = capture(Logging.Format.LOGFMT, Level.INFO, () -> log.atWarn().addKeyValue("job", "node")
        .addKeyValue("err", "a \"quoted\"\nvalue").addKeyValue("empty", "").log("scrape failed"));
    assertThat(line).matches("ts=\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z level=warn logger=Example msg=\"scrape failed\" "
        + "job=node err=\"a \\\\\"quoted\\\\\"\\\\nvalue\" empty=\"\"\n");
  }

  @Test
  void jsonHasTheSameFields() {
    String line = capture(Logging.Format.JSON, Level.INFO, () -> log.atInfo().addKeyValue("jobs", 2)
        .setCause(new IllegalStateException("boom", new java.io.IOException("disk"))).log("started"));
    assertThat(line).matches("\\{\"ts\":\"[^\"]+\",\"level\":\"info\",\"logger\":\"Example\",\"msg\":\"started\","
        + "\"jobs\":\"2\",\"err\":\"IllegalStateException: boom: caused by IOException: disk\"}\n");
  }

  @Test
  void levelFilters() {
    String out = capture(Logging.Format.LOGFMT, Level.WARN, () -> {
      log.info("hidden");
      log.debug("hidden");
      log.error("shown");
    });
    assertThat(out).contains("msg=shown").doesNotContain("hidden");
    assertThat(Logging.level("DEBUG")).isEqualTo(Level.DEBUG);
  }
}
