package io.remotesecrets.agent.config;

import java.time.Duration;
import java.util.Map;

/**
 * The {@code global} section, with Prometheus's defaults applied.
 *
 * @param scrapeInterval default for jobs; Prometheus's default 1m
 * @param scrapeTimeout default for jobs; 10s, or the interval when that is shorter
 * @param evaluationInterval accepted for compatibility; the agent evaluates no rules
 * @param externalLabels added to every sample sent with remote_write, sorted by name
 */
public record GlobalConfig(
    Duration scrapeInterval, Duration scrapeTimeout, Duration evaluationInterval, Map<String, String> externalLabels) {
  public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_SCRAPE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofMinutes(1);

  public GlobalConfig {
    externalLabels = Map.copyOf(externalLabels);
  }
}
