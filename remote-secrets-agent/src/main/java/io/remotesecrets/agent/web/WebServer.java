package io.remotesecrets.agent.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.SecretStatus;
import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.scrape.DroppedTarget;
import io.remotesecrets.agent.scrape.Target;
import io.remotesecrets.config.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP endpoints, on the JDK's {@code com.sun.net.httpserver}:
 * {@code /metrics}, {@code /-/healthy}, {@code /-/ready}, {@code /-/reload} (POST or PUT),
 * {@code /api/v1/targets} and {@code /api/v1/status/config} in Prometheus's JSON shapes, and the
 * {@code /status} page. Nothing served here contains a secret value.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);

  static {
    disableNagle();
  }

  /**
   * Makes the JDK's HTTP server set TCP_NODELAY. Without it, a response of more than one segment
   * waits for the client's delayed ACK, about 40 ms per request (see docs/benchmarks.md, "TCP_NODELAY on the JDK's HTTP server").
   * The property is read once, when the JVM's first server starts, so it is set here unless the
   * user chose a value.
   */
  public static void disableNagle() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** What the endpoints show and do. */
  public interface Backend {
    PrometheusRegistry registry();

    boolean ready();

    boolean reload();

    Map<String, List<Target>> targetsByJob();

    List<DroppedTarget> droppedTargets();

    List<SecretStatus> secrets();

    String configDump();

    String configSource();

    /** Every remote_write queue, in configuration order. */
    List<RemoteWriteStatus> remoteWrites();

    /** The configuration fields that use the secret {@code ref} of {@code provider} (field paths, no values). */
    List<String> secretUsers(String provider, String ref);

    Optional<Instant> lastReload();

    Optional<String> lastReloadError();
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Backend backend;
  private final ExpositionFormats formats = ExpositionFormats.init();

  private WebServer(HttpServer server, ExecutorService executor, Backend backend) {
    this.server = server;
    this.executor = executor;
    this.backend = backend;
  }

  /**
   * Binds {@code address} and serves.
   *
   * @throws IOException if the address cannot be bound (in use, not local)
   */
  public static WebServer start(InetSocketAddress address, Backend backend) throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(address, 64);
    } catch (java.net.BindException e) {
      throw new IOException("cannot listen on " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "web-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    WebServer web = new WebServer(server, executor, backend);
    server.createContext("/", web::handle);
    server.start();
    return web;
  }

  /** The base URL, {@code http://127.0.0.1:9095/}. */
  public URI url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    if (host.contains(":")) host = "[" + host + "]";
    return URI.create("http://" + host + ":" + a.getPort() + "/");
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      switch (path) {
        case "/metrics" -> metrics(ex);
        case "/-/healthy" -> text(ex, 200, "remote-secrets agent is Healthy.\n");
        case "/-/ready" -> {
          if (backend.ready()) text(ex, 200, "remote-secrets agent is Ready.\n");
          else text(ex, 503, "Service Unavailable\n");
        }
        case "/-/reload" -> reload(ex);
        case "/api/v1/targets" -> json(ex, 200, targetsJson(query(ex, "state"), query(ex, "scrapePool")));
        case "/api/v1/status/config" -> {
          ObjectNode root = JSON.createObjectNode().put("status", "success");
          root.putObject("data").put("yaml", backend.configDump());
          json(ex, 200, root);
        }
        case "/status" -> html(ex, StatusPage.render(backend, Instant.now()));
        case "/" -> {
          ex.getResponseHeaders().set("Location", "/status");
          ex.sendResponseHeaders(302, -1);
        }
        default -> text(ex, 404, "404 page not found\n");
      }
    } catch (IOException | RuntimeException e) {
      log.atWarn().addKeyValue("path", ex.getRequestURI().getPath()).addKeyValue("err", e.toString())
          .log("web request failed");
    }
  }

  private void metrics(HttpExchange ex) throws IOException {
    ExpositionFormatWriter writer = formats.findWriter(ex.getRequestHeaders().getFirst("Accept"));
    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
    writer.write(body, backend.registry().scrape());
    ex.getResponseHeaders().set("Content-Type", writer.getContentType());
    send(ex, 200, body.toByteArray());
  }

  private void reload(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    if (!method.equals("POST") && !method.equals("PUT")) {
      text(ex, 405, "Only POST or PUT requests allowed\n");
      return;
    }
    if (backend.reload()) {
      text(ex, 200, "");
    } else {
      text(ex, 500, "failed to reload config: " + backend.lastReloadError().orElse("unknown error") + "\n");
    }
  }

  ObjectNode targetsJson(String state, String pool) {
    boolean any = state == null || state.isEmpty() || state.equalsIgnoreCase("any");
    boolean active = any || state.equalsIgnoreCase("active");
    boolean dropped = any || state.equalsIgnoreCase("dropped");
    ObjectNode root = JSON.createObjectNode().put("status", "success");
    ObjectNode data = root.putObject("data");
    ArrayNode activeTargets = data.putArray("activeTargets");
    ArrayNode droppedTargets = data.putArray("droppedTargets");
    if (active) {
      for (Map.Entry<String, List<Target>> e : backend.targetsByJob().entrySet()) {
        if (pool != null && !pool.isEmpty() && !pool.equals(e.getKey())) continue;
        for (Target t : e.getValue()) {
          ObjectNode o = activeTargets.addObject();
          o.set("discoveredLabels", labels(t.discoveredLabels()));
          o.set("labels", labels(t.labels()));
          o.put("scrapePool", t.job());
          o.put("scrapeUrl", t.url().toString());
          o.put("globalUrl", t.url().toString());
          o.put("lastError", t.lastError().orElse(""));
          o.put("lastScrape", t.lastScrape().map(RFC3339::format).orElse("0001-01-01T00:00:00Z"));
          o.put("lastScrapeDuration", t.lastScrapeDuration().toNanos() / 1e9);
          o.put("health", t.health());
          o.put("scrapeInterval", Durations.format(t.scrapeInterval()));
          o.put("scrapeTimeout", Durations.format(t.scrapeTimeout()));
        }
      }
    }
    if (dropped) {
      for (DroppedTarget d : backend.droppedTargets()) {
        if (pool != null && !pool.isEmpty() && !pool.equals(d.job())) continue;
        droppedTargets.addObject().set("discoveredLabels", labels(d.discoveredLabels()));
      }
    }
    return root;
  }

  private static ObjectNode labels(Labels l) {
    ObjectNode o = JSON.createObjectNode();
    l.forEach(o::put);
    return o;
  }

  private static String query(HttpExchange ex, String name) {
    String q = ex.getRequestURI().getRawQuery();
    if (q == null) return null;
    for (String part : q.split("&")) {
      int eq = part.indexOf('=');
      String k = java.net.URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      if (k.equals(name)) return eq < 0 ? "" : java.net.URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
    }
    return null;
  }

  private static void json(HttpExchange ex, int status, Object body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    send(ex, status, JSON.writeValueAsBytes(body));
  }

  private static void html(HttpExchange ex, String body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    send(ex, 200, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void text(HttpExchange ex, int status, String body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    send(ex, status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
