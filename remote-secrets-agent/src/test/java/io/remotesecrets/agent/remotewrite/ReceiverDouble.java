package io.remotesecrets.agent.remotewrite;

import com.sun.net.httpserver.HttpServer;
import io.remotesecrets.agent.remotewrite.proto.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import org.xerial.snappy.Snappy;

/**
 * A remote_write receiver double following the Prometheus Remote-Write 1.0 specification:
 * decodes snappy-compressed protobuf WriteRequests, records them with their headers, and answers
 * with the scripted status codes (then 204 No Content, the spec's success status).
 */
final class ReceiverDouble implements AutoCloseable {
  record Received(Map<String, List<String>> headers, WriteRequest request, long atNanos) {}

  record Reply(int status, String retryAfter) {}

  final List<Received> requests = new CopyOnWriteArrayList<>();
  final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  volatile IntSupplier defaultStatus = () -> 204;
  volatile long delayMillis;
  private final HttpServer server;

  ReceiverDouble() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/write", exchange -> {
      try (exchange) {
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (delayMillis > 0) {
          try {
            Thread.sleep(delayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        WriteRequest req = WriteRequest.parseFrom(Snappy.uncompress(body));
        Reply reply = script.poll();
        int status = reply != null ? reply.status() : defaultStatus.getAsInt();
        requests.add(new Received(Map.copyOf(exchange.getRequestHeaders()), req, System.nanoTime()));
        if (reply != null && reply.retryAfter() != null) exchange.getResponseHeaders().add("Retry-After", reply.retryAfter());
        byte[] msg = status / 100 == 2 ? new byte[0] : ("status " + status + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, msg.length == 0 ? -1 : msg.length);
        if (msg.length > 0) exchange.getResponseBody().write(msg);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    // Concurrent, as a real receiver: shards' requests overlap.
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "receiver-double");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write");
  }

  int samplesReceived() {
    return requests.stream().mapToInt(r -> r.request().getTimeseriesList().stream().mapToInt(ts -> ts.getSamplesCount()).sum()).sum();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
