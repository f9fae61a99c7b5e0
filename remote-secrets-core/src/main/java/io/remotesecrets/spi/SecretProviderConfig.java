package io.remotesecrets.spi;

/**
 * The validated, immutable configuration of one provider, as parsed by its
 * {@link SecretProviderFactory}. Implementations must have value equality (records do): on a
 * configuration reload, a provider whose config {@code equals} the running one is kept with its
 * cache, and map-form secrets with equal provider configs share one provider.
 *
 * <p>{@code toString()} must not print secret values; nested secrets are
 * {@link io.remotesecrets.config.SecretSpec}s, which print {@code <secret>}.
 */
public interface SecretProviderConfig {

  /**
   * Creates the long-lived provider. Called lazily, when a secret of this provider is first
   * needed, and at most once per distinct configuration.
   *
   * @throws SecretFetchException if the provider cannot be set up (for example an unreadable
   *     kubeconfig); every secret of it then reports this cause
   */
  SecretProvider load(ProviderContext context) throws SecretFetchException;

  /**
   * Checks a ref's syntax without contacting the provider, for {@code check config}.
   *
   * @throws IllegalArgumentException with a message naming the rule the ref breaks
   */
  default void checkRef(String ref) {}
}
