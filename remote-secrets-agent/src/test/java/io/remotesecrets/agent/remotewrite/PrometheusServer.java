package io.remotesecrets.agent.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Prometheus (Debian package {@code prometheus}, 2.42) started as a remote_write receiver
 * on 127.0.0.1. Fails, never skips, when the binary is missing.
 */
public final class PrometheusServer implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final int port;
  private final Path dir;
  private final Process process;

  private PrometheusServer(int port, Path dir, Process process) {
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public static PrometheusServer start(int port) throws Exception {
    return start(port, "global: {}\n");
  }

  /** Starts Prometheus with this prometheus.yml content. */
  public static PrometheusServer start(int port, String configYaml) throws Exception {
    assertThat(Files.isExecutable(BINARY))
        .as("%s is missing: install the Debian package 'prometheus' (apt-get install -y prometheus)", BINARY).isTrue();
    Path dir = Files.createTempDirectory("rs-prometheus");
    Path config = Files.writeString(dir.resolve("prometheus.yml"), configYaml);
    Path log = dir.resolve("prometheus.log");
    Process p = new ProcessBuilder(BINARY.toString(), "--web.enable-remote-write-receiver",
        "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + dir.resolve("data"),
        "--config.file=" + config)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PrometheusServer server = new PrometheusServer(port, dir, p);
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      if (!p.isAlive()) throw new AssertionError("prometheus exited with " + p.exitValue() + ":\n" + Files.readString(log));
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri("/-/ready")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return server;
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > end) {
        server.close();
        throw new AssertionError("prometheus not ready within 30s:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  URI writeUrl() {
    return uri("/api/v1/write");
  }

  /** The instant query's result JSON. */
  public String query(String promql) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  /** The /api/v1/targets JSON, for failure messages. */
  public String targets() throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri("/api/v1/targets")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The values of an instant query's result vector, as strings. */
  public List<String> values(String promql) throws Exception {
    Matcher m = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]*)\"\\]").matcher(query(promql));
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) out.add(m.group(1));
    return out;
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
