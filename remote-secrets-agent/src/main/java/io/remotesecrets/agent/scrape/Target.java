package io.remotesecrets.agent.scrape;

import io.remotesecrets.agent.model.Labels;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One scrape target and the outcome of its latest scrape, as the status page and
 * {@code /api/v1/targets} show it. Immutable: a loop publishes a new snapshot after each scrape.
 *
 * @param job the scrape pool (job name)
 * @param labels the target's labels after relabelling, without {@code __} labels
 * @param discoveredLabels the labels before relabelling, meta labels included
 * @param url the URL scraped (its query holds only configured params, never a secret)
 * @param health {@code up}, {@code down} or {@code unknown} (not scraped yet, or waiting for a secret)
 * @param lastScrape when the latest scrape started; empty before the first
 * @param lastScrapeDuration how long it took
 * @param lastError why it failed, or why the target is not scraped; empty after a success
 */
public record Target(
    String job,
    Labels labels,
    Labels discoveredLabels,
    URI url,
    Duration scrapeInterval,
    Duration scrapeTimeout,
    String health,
    Optional<Instant> lastScrape,
    Duration lastScrapeDuration,
    Optional<String> lastError) {

  public static final String UP = "up";
  public static final String DOWN = "down";
  public static final String UNKNOWN = "unknown";

  Target withOutcome(String health, Instant at, Duration took, Optional<String> error) {
    return new Target(job, labels, discoveredLabels, url, scrapeInterval, scrapeTimeout, health, Optional.of(at), took, error);
  }

  Target waiting(String error) {
    return new Target(job, labels, discoveredLabels, url, scrapeInterval, scrapeTimeout, UNKNOWN, lastScrape,
        lastScrapeDuration, Optional.of(error));
  }
}
