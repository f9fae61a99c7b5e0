package io.remotesecrets.config;

import io.remotesecrets.Secret;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a secret-typed field gets its value: written inline, or from a provider (the named
 * {@code *_ref} form, the map form, and {@code *_file}, which reads through the built-in
 * {@code file} provider). Value equality: a reload compares specs to keep what is unchanged.
 * {@code toString()} never prints a value.
 */
public sealed interface SecretSpec permits SecretSpec.Inline, SecretSpec.FromProvider {

  /** The default refresh interval of provider-backed secrets, as in Prometheus proposal 0047. */
  Duration DEFAULT_REFRESH_INTERVAL = Duration.ofHours(1);

  /** Names the source for errors and status pages: {@code inline}, {@code provider vault, ref a/b#c}. */
  String description();

  /** A value written in the configuration file. */
  record Inline(Secret value) implements SecretSpec {
    public Inline {
      Objects.requireNonNull(value);
    }

    @Override
    public String description() {
      return "inline";
    }
  }

  /** A value kept by a provider, cached and refreshed every {@code refreshInterval}. */
  record FromProvider(ProviderBinding provider, String ref, Duration refreshInterval) implements SecretSpec {
    public FromProvider {
      Objects.requireNonNull(provider);
      Objects.requireNonNull(ref);
      if (refreshInterval.isNegative() || refreshInterval.isZero()) {
        throw new IllegalArgumentException("refresh_interval must be positive");
      }
    }

    @Override
    public String description() {
      return "provider " + provider.name() + ", ref " + ref;
    }
  }
}
