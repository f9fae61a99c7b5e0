package io.remotesecrets;

import io.remotesecrets.config.SecretSpec;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Reads one secret at the moment it is used. Consumers keep the reader, never the value: a
 * rotated secret reaches them on their next {@link #current()}.
 *
 * <p>Obtained from {@link SecretManager#reader(SecretSpec)}. Thread-safe.
 */
public interface SecretReader {

  /**
   * The latest value, from memory; never waits for a provider. A stale value (the last refresh
   * failed) is still returned.
   *
   * @throws SecretUnavailableException if no value was ever fetched: "waiting for secret
   *     {@code <ref>} from provider {@code <name>}: {@code <cause>}"
   */
  Secret current() throws SecretUnavailableException;

  /**
   * The value, waiting at most {@code timeout} for the first fetch. Concurrent callers share
   * one provider call.
   *
   * @throws SecretUnavailableException if no value arrives in time or the fetch fails
   */
  Secret await(Duration timeout) throws SecretUnavailableException;

  /**
   * Tells the manager that {@code rejected} was refused by its consumer (HTTP 401 or 403) and
   * returns the value to retry with once a refresh has happened.
   *
   * <p>The future completes with the current value, without a provider call, when the value
   * already changed since {@code rejected} or when a forced refresh of this secret happened
   * within the rate limit (10 s by default); otherwise it completes after one provider call,
   * shared with every concurrent reporter. It never completes exceptionally: if the refresh
   * fails, it completes with the (stale) current value.
   */
  CompletableFuture<Secret> reportRejected(Secret rejected);

  /**
   * The value before the last rotation, while it is kept as a fallback (a rotation can reach the
   * provider before it reaches the consumer); empty otherwise.
   */
  Optional<Secret> previous();

  /** Where the value comes from, for errors: {@code inline}, {@code provider kube1, ref pass}. */
  String description();

  /** True for inline values, which never change and cannot be refreshed. */
  boolean isConstant();
}
