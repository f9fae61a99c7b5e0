package io.remotesecrets.bench.agent;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.agent.config.AgentConfig;
import io.remotesecrets.agent.model.Sample;
import io.remotesecrets.agent.scrape.ScrapeManager;
import io.remotesecrets.agent.scrape.ScrapeMetrics;
import io.remotesecrets.config.SecretProviderFactories;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One whole scrape through the agent's scrape path, as a scrape loop does it: an HTTP GET over
 * loopback to a local server returning node_exporter 1.5's output (507 samples; gzip-compressed
 * as node_exporter sends it), decompression, parsing, target labels, metric relabelling (one drop
 * rule), staleness tracking, the five synthetic series, and hand-off to the sink. The server and
 * the JDK HTTP client run in the same JVM, so their cost is included. The server sets TCP_NODELAY,
 * as Go exporters do (the JDK's server without it adds ~40 ms of delayed-ACK wait per response).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ScrapeBenchmark {
  @Param({"true", "false"})
  public boolean gzip;

  HttpServer server;
  ScrapeManager manager;
  final AtomicLong sunk = new AtomicLong();

  /** Samples handed to the sink, reported by JMH per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Throughput {
    public long samples;

    @Setup(Level.Iteration)
    public void reset() {
      samples = 0;
    }
  }

  @Setup(Level.Trial)
  public void start() throws IOException {
    byte[] text;
    try (InputStream in = ScrapeBenchmark.class.getResourceAsStream("/textparse/node_exporter-1.5.txt")) {
      text = in.readAllBytes();
    }
    byte[] body = text;
    if (gzip) {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
        gz.write(text);
      }
      body = bos.toByteArray();
    }
    byte[] payload = body;
    // Exporters written in Go set TCP_NODELAY; the JDK's server does only when asked.
    io.remotesecrets.agent.web.WebServer.disableNagle();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/metrics", ex -> {
      try (ex) {
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        if (gzip) ex.getResponseHeaders().set("Content-Encoding", "gzip");
        ex.sendResponseHeaders(200, payload.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(payload);
        }
      }
    });
    server.start();
    String yaml = """
        scrape_configs:
        - job_name: bench
          scrape_interval: 1h
          static_configs: [{targets: ['127.0.0.1:%d']}]
          metric_relabel_configs:
          - {action: drop, source_labels: [__name__], regex: 'go_gc_.*'}
        """.formatted(server.getAddress().getPort());
    AgentConfig cfg = AgentConfig.parse("bench.yml", null, yaml, SecretProviderFactories.load());
    HttpClient http = HttpClient.newHttpClient();
    manager = new ScrapeManager((List<Sample> s) -> sunk.addAndGet(s.size()), Clock.systemUTC(),
        new ScrapeMetrics(new PrometheusRegistry()));
    manager.apply(cfg.scrapeConfigs(), c -> req -> http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()));
  }

  @Benchmark
  public void scrape(Throughput t) {
    long before = sunk.get();
    manager.scrapeNow("bench");
    t.samples += sunk.get() - before;
  }

  @TearDown(Level.Trial)
  public void stop() {
    manager.close();
    server.stop(0);
  }
}
