package io.remotesecrets.agent.config;

import java.time.Duration;
import java.util.List;

/**
 * A {@code file_sd_configs} entry.
 *
 * @param files absolute paths, resolved against the configuration file's directory; the last
 *     path element may hold a {@code *} glob
 * @param refreshInterval how often the files are re-read even without a change event; 5m by default
 */
public record FileSdConfig(List<String> files, Duration refreshInterval) {
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(5);

  public FileSdConfig {
    files = List.copyOf(files);
  }
}
