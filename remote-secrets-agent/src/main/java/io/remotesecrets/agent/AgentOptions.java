package io.remotesecrets.agent;

import io.remotesecrets.SecretManager;
import io.remotesecrets.config.SecretProviderFactories;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to run an {@link Agent}.
 *
 * @param configFile the prometheus.yml; null runs the bundled demo configuration
 * @param listenAddress where the web endpoints listen; port 0 picks a free port
 * @param clock time for scrapes and secret ages
 * @param factories the secret provider types available to the configuration
 * @param secretSettings adjusts the secret manager (tests shorten its backoff); may do nothing
 * @param flushDeadline how long a stopping remote_write queue keeps sending (Prometheus's
 *     {@code --storage.remote.flush-deadline}, 1 minute)
 */
public record AgentOptions(
    Path configFile,
    InetSocketAddress listenAddress,
    Clock clock,
    SecretProviderFactories factories,
    Consumer<SecretManager.Builder> secretSettings,
    Duration flushDeadline) {

  public static final Duration DEFAULT_FLUSH_DEADLINE = Duration.ofMinutes(1);

  public AgentOptions {
    Objects.requireNonNull(listenAddress);
    Objects.requireNonNull(clock);
    Objects.requireNonNull(factories);
    Objects.requireNonNull(secretSettings);
    Objects.requireNonNull(flushDeadline);
  }

  /** Runs {@code configFile} with every provider type on the class path. */
  public static AgentOptions of(Path configFile, InetSocketAddress listenAddress) {
    return new AgentOptions(Objects.requireNonNull(configFile), listenAddress, Clock.systemUTC(),
        SecretProviderFactories.load(), b -> {},
        DEFAULT_FLUSH_DEADLINE);
  }

  /** Runs the bundled demo: a local target behind basic auth, its password from a provider. */
  public static AgentOptions demo(InetSocketAddress listenAddress) {
    return new AgentOptions(null, listenAddress, Clock.systemUTC(), SecretProviderFactories.load(), b -> {},
        DEFAULT_FLUSH_DEADLINE);
  }

  public AgentOptions withSecretSettings(Consumer<SecretManager.Builder> settings) {
    return new AgentOptions(configFile, listenAddress, clock, factories, settings, flushDeadline);
  }

  public AgentOptions withFlushDeadline(Duration deadline) {
    return new AgentOptions(configFile, listenAddress, clock, factories, secretSettings, deadline);
  }

  public boolean isDemo() {
    return configFile == null;
  }
}
