package io.remotesecrets.agent.scrape;

import io.remotesecrets.SecretUnavailableException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one scrape request with the job's credentials. The agent adapts the HTTP module's
 * authenticated client to this; tests use plain clients.
 */
@FunctionalInterface
public interface ScrapeClient {
  /**
   * Sends {@code request} asynchronously.
   *
   * @throws SecretUnavailableException before any I/O, when a credential has never been fetched
   *     (the returned future may also complete with it)
   */
  CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request) throws SecretUnavailableException;

  /** Releases connections when the job stops. */
  default void close() {}
}
