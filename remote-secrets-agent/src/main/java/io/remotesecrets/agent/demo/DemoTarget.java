package io.remotesecrets.agent.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The offline demo's scrape target: an in-process exporter on 127.0.0.1 that requires HTTP basic
 * auth. Its password is generated at start and handed to the agent only through a secret
 * provider in the bundled configuration, so a scrape succeeds only if the provider path works.
 */
public final class DemoTarget implements AutoCloseable {
  /** The name errors and the status page use for the bundled configuration. */
  public static final String CONFIG_NAME = "demo.yml (bundled)";
  static final String USERNAME = "demo";

  private final HttpServer server;
  private final Secret password;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Counter rejected;
  private final Gauge temperature;
  private final ExpositionFormats formats = ExpositionFormats.init();
  private final long started = System.nanoTime();

  private DemoTarget(HttpServer server, Secret password) {
    this.server = server;
    this.password = password;
    requests = Counter.builder().name("demo_http_requests_total").help("Scrapes served by the demo target.")
        .labelNames("code").register(registry);
    rejected = Counter.builder().name("demo_auth_rejections_total").help("Requests refused for bad credentials.")
        .register(registry);
    temperature = Gauge.builder().name("demo_room_temperature_celsius").help("A made-up reading that drifts.")
        .labelNames("room").register(registry);
  }

  /** Starts the target on a free port of 127.0.0.1 with a fresh random password. */
  public static DemoTarget start() throws IOException {
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    Secret password = Secret.of(HexFormat.of().formatHex(random));
    io.remotesecrets.agent.web.WebServer.disableNagle();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    DemoTarget t = new DemoTarget(server, password);
    server.createContext("/metrics", t::serve);
    server.start();
    return t;
  }

  /** host:port of the target. */
  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * The bundled configuration, filled in: this target's address and password (as an {@code inline}
   * provider secret, printed as {@code <secret>} everywhere) and the agent's own address.
   */
  public String configuration(URI agentUrl) throws IOException {
    String template;
    try (InputStream in = DemoTarget.class.getResourceAsStream("demo.yml")) {
      if (in == null) throw new IOException("bundled demo configuration missing from the class path");
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return template.replace("${DEMO_TARGET}", address())
        .replace("${DEMO_PASSWORD}", password.reveal())
        .replace("${AGENT_ADDRESS}", agentUrl.getHost() + ":" + agentUrl.getPort());
  }

  private void serve(HttpExchange ex) throws IOException {
    try (ex) {
      if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
        rejected.inc();
        requests.labelValues("401").inc();
        ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"demo\"");
        ex.sendResponseHeaders(401, -1);
        return;
      }
      requests.labelValues("200").inc();
      double minutes = (System.nanoTime() - started) / 6e10;
      temperature.labelValues("lab").set(21 + 2 * Math.sin(minutes));
      temperature.labelValues("office").set(23 + Math.cos(minutes / 2));
      ExpositionFormatWriter writer = formats.findWriter(ex.getRequestHeaders().getFirst("Accept"));
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      writer.write(body, registry.scrape());
      ex.getResponseHeaders().set("Content-Type", writer.getContentType());
      ex.sendResponseHeaders(200, body.size());
      try (OutputStream out = ex.getResponseBody()) {
        body.writeTo(out);
      }
    }
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Basic ")) return false;
    String expected = Base64.getEncoder().encodeToString(
        (USERNAME + ":" + password.reveal()).getBytes(StandardCharsets.UTF_8));
    return java.security.MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), header.substring(6).trim().getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
