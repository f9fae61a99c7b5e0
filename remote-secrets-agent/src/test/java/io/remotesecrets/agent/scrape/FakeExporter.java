package io.remotesecrets.agent.scrape;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A scrape target on 127.0.0.1 whose response the test sets, speaking the Prometheus text
 * exposition format 0.0.4 / OpenMetrics 1.0 as exporters do. Records the last request's headers.
 */
final class FakeExporter implements AutoCloseable {
  private final HttpServer server;
  volatile String body = "";
  volatile String contentType = "text/plain; version=0.0.4; charset=utf-8";
  volatile int status = 200;
  volatile boolean gzip;
  volatile long delayMillis;
  volatile Headers lastRequest;
  final AtomicInteger requests = new AtomicInteger();

  FakeExporter() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", ex -> {
      try (ex) {
        requests.incrementAndGet();
        lastRequest = ex.getRequestHeaders();
        if (delayMillis > 0) {
          try {
            Thread.sleep(delayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        byte[] data = body.getBytes(StandardCharsets.UTF_8);
        if (gzip) {
          ByteArrayOutputStream bos = new ByteArrayOutputStream();
          try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(data);
          }
          data = bos.toByteArray();
          ex.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, data.length == 0 ? -1 : data.length);
        if (data.length > 0) {
          try (OutputStream out = ex.getResponseBody()) {
            out.write(data);
          }
        }
      } catch (IOException e) {
        // The scraper gave up (timeout test).
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
