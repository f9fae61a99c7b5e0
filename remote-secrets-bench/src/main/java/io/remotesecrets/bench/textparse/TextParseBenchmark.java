package io.remotesecrets.bench.textparse;

import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.textparse.Format;
import io.remotesecrets.agent.textparse.SampleHandler;
import io.remotesecrets.agent.textparse.TextParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parser throughput on a real scrape: the output of Debian's prometheus-node-exporter 1.5
 * (507 samples, 57 KB), as the Prometheus text format and as OpenMetrics. {@code parse} reuses
 * the parser, as a scraper reuses one per target (its series cache then holds every series);
 * {@code parseWithNewParser} starts from empty caches every time, as the first scrape of a
 * target. The auxiliary counters report bytes/s and samples/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TextParseBenchmark {
  @Param({"PROMETHEUS_TEXT", "OPENMETRICS"})
  public Format format;

  byte[] payload;
  int samplesPerPayload;
  final TextParser parser = new TextParser();

  /** Bytes and samples parsed, reported by JMH per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Throughput {
    public long bytes;
    public long samples;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
      samples = 0;
    }
  }

  @Setup(Level.Trial)
  public void load() throws IOException {
    String text;
    try (InputStream in = TextParseBenchmark.class.getResourceAsStream("/textparse/node_exporter-1.5.txt")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (format == Format.OPENMETRICS) text = text.replace(" untyped\n", " unknown\n") + "# EOF\n";
    payload = text.getBytes(StandardCharsets.UTF_8);
    int[] n = {0};
    parser.parse(payload, 0, payload.length, format, (s, v, t) -> n[0]++);
    samplesPerPayload = n[0];
  }

  @Benchmark
  public void parse(Throughput t, Blackhole bh) {
    run(parser, t, bh);
  }

  @Benchmark
  public void parseWithNewParser(Throughput t, Blackhole bh) {
    run(new TextParser(), t, bh);
  }

  private void run(TextParser p, Throughput t, Blackhole bh) {
    p.parse(payload, 0, payload.length, format, new SampleHandler() {
      @Override
      public void sample(Labels series, double value, long timestampMs) {
        bh.consume(series);
        bh.consume(value);
      }
    });
    t.bytes += payload.length;
    t.samples += samplesPerPayload;
  }
}
