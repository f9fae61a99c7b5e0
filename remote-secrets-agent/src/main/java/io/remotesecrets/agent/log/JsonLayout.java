package io.remotesecrets.agent.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.event.KeyValuePair;

/** Formats events as one JSON object per line, with the same fields as {@link LogfmtLayout}. */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {
  private final JsonFactory json = new JsonFactory();

  @Override
  public String doLayout(ILoggingEvent event) {
    StringWriter out = new StringWriter(200);
    try (JsonGenerator g = json.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      g.writeStringField("level", event.getLevel().toString().toLowerCase(Locale.ROOT));
      g.writeStringField("logger", LogfmtLayout.shortName(event.getLoggerName()));
      g.writeStringField("msg", event.getFormattedMessage());
      if (event.getKeyValuePairs() != null) {
        for (KeyValuePair kv : event.getKeyValuePairs()) g.writeStringField(kv.key, String.valueOf(kv.value));
      }
      if (event.getThrowableProxy() != null) g.writeStringField("err", LogfmtLayout.describe(event.getThrowableProxy()));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.append('\n').toString();
  }
}
