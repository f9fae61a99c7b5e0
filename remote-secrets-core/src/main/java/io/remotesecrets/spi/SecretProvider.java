package io.remotesecrets.spi;

import io.remotesecrets.Secret;
import java.time.Instant;
import java.util.Optional;

/**
 * A long-lived connection to one secret store, made by {@link SecretProviderConfig#load}.
 *
 * <p>Implementations must be thread-safe: the {@link io.remotesecrets.SecretManager} calls
 * {@link #fetch} for different refs concurrently, though never twice concurrently for the
 * same ref. It calls {@link #fetch} only when a value is first needed, on its refresh schedule
 * and after a caller reports the value rejected — never on a request path once a value is cached.
 */
public interface SecretProvider extends AutoCloseable {

  /**
   * Returns the current value for {@code ref}.
   *
   * @param ref the provider-specific reference, already checked by
   *     {@link SecretProviderConfig#checkRef(String)}
   * @param deadline when the caller stops waiting; an implementation should give up by then
   *     with {@link SecretFetchException.Reason#UNAVAILABLE}
   * @throws SecretFetchException if there is no value; its message must not contain a secret
   */
  Secret fetch(String ref, Instant deadline) throws SecretFetchException;

  /**
   * Starts pushing changes of {@code ref} to {@code watcher}, for providers that can watch
   * (file-system events, a Kubernetes watch). Returns empty when this provider can only be
   * polled; the default. The manager still calls {@link #fetch} for the first value and on the
   * refresh interval, as a safety net.
   *
   * <p>The watcher may be called from any thread, must not be called after the returned watch
   * is closed, and is called with {@link SecretWatcher#failed} when the watched value goes away.
   */
  default Optional<Watch> watch(String ref, SecretWatcher watcher) {
    return Optional.empty();
  }

  /** Releases connections, threads and watches. Called once, when no configuration uses it. */
  @Override
  default void close() {}

  /** A running watch. */
  interface Watch extends AutoCloseable {
    @Override
    void close();
  }
}
