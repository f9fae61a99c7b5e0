package io.remotesecrets.agent.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An exporter on 127.0.0.1 speaking the Prometheus text format 0.0.4, optionally requiring HTTP
 * basic auth (RFC 7617) with a password the test can change.
 */
public final class TestExporter implements AutoCloseable {
  private final HttpServer server;
  public volatile String body = "test_metric 1\n";
  public volatile String username;
  public volatile String password;
  public final AtomicInteger requests = new AtomicInteger();
  public final AtomicInteger authorized = new AtomicInteger();

  private TestExporter(HttpServer server) {
    this.server = server;
  }

  public static TestExporter start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    TestExporter t = new TestExporter(server);
    server.createContext("/", ex -> {
      try (ex) {
        t.requests.incrementAndGet();
        if (t.password != null) {
          String expected = "Basic " + Base64.getEncoder().encodeToString(
              (t.username + ":" + t.password).getBytes(StandardCharsets.UTF_8));
          if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"test\"");
            ex.sendResponseHeaders(401, -1);
            return;
          }
        }
        t.authorized.incrementAndGet();
        byte[] data = t.body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
        ex.sendResponseHeaders(200, data.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(data);
        }
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread th = new Thread(r, "test-exporter");
      th.setDaemon(true);
      return th;
    }));
    server.start();
    return t;
  }

  public TestExporter requireBasicAuth(String user, String pass) {
    this.username = user;
    this.password = pass;
    return this;
  }

  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
