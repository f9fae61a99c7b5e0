package io.remotesecrets.agent.remotewrite;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one remote_write request. The agent plugs in its authenticated client here; a plain
 * {@code java.net.http.HttpClient} works as {@code req -> client.sendAsync(req, BodyHandlers.ofString())}.
 *
 * <p>Called concurrently from the queue's shard threads. A future that completes exceptionally
 * (connection refused, timeout) is a recoverable error and is retried.
 */
@FunctionalInterface
public interface Sender {
  CompletableFuture<HttpResponse<String>> send(HttpRequest request);
}
