package io.remotesecrets.agent.textparse;

import java.util.Locale;

/** The exposition formats the parser reads, and how a scrape response's Content-Type selects one. */
public enum Format {
  /** Prometheus text exposition format 0.0.4 ({@code text/plain; version=0.0.4}). */
  PROMETHEUS_TEXT,
  /** OpenMetrics 1.0 text ({@code application/openmetrics-text}). */
  OPENMETRICS;

  /**
   * The {@code Accept} header Prometheus 2.42 sends with every scrape: OpenMetrics preferred,
   * then the Prometheus text format, then anything.
   */
  public static final String SCRAPE_ACCEPT_HEADER =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
          + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  /**
   * The format of a response, chosen as Prometheus's {@code textparse.New} chooses it: the media
   * type {@code application/openmetrics-text} (any version, any parameters, any case) selects
   * OpenMetrics; anything else, including a missing or malformed header, selects the Prometheus
   * text format.
   *
   * @param contentType the response's Content-Type header value, or null
   */
  public static Format fromContentType(String contentType) {
    if (contentType == null) return PROMETHEUS_TEXT;
    int semi = contentType.indexOf(';');
    String mediaType = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return mediaType.equals("application/openmetrics-text") ? OPENMETRICS : PROMETHEUS_TEXT;
  }
}
