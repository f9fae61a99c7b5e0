package io.remotesecrets.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A plain HTTP server on 127.0.0.1 that records requests and answers with a given function. */
final class RecordingServer implements AutoCloseable {
  record Request(String method, String uri, Headers headers, String body) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  record Reply(int status, String body, List<String> headerPairs) {
    static Reply ok(String body) {
      return new Reply(200, body, List.of());
    }

    static Reply status(int status) {
      return new Reply(status, "", List.of());
    }

    static Reply redirect(int status, String location) {
      return new Reply(status, "", List.of("Location", location));
    }
  }

  final HttpServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  volatile Function<Request, Reply> handler = r -> Reply.ok("ok");

  RecordingServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().toString(), ex.getRequestHeaders(), body);
    requests.add(r);
    Reply reply = handler.apply(r);
    for (int i = 0; i < reply.headerPairs().size(); i += 2) {
      ex.getResponseHeaders().add(reply.headerPairs().get(i), reply.headerPairs().get(i + 1));
    }
    byte[] b = reply.body().getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(reply.status(), b.length == 0 ? -1 : b.length);
    if (b.length > 0) ex.getResponseBody().write(b);
    ex.close();
  }

  int port() {
    return server.getAddress().getPort();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
