package io.remotesecrets.agent.remotewrite;

import static io.remotesecrets.agent.remotewrite.Metrics.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.model.Sample;
import io.remotesecrets.agent.relabel.RelabelConfig;
import io.remotesecrets.agent.remotewrite.ReceiverDouble.Reply;
import io.remotesecrets.agent.remotewrite.proto.Label;
import io.remotesecrets.agent.remotewrite.proto.TimeSeries;
import io.remotesecrets.config.ConfigDocument;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RemoteWriteQueueTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private ReceiverDouble receiver;
  private RemoteWriteQueue queue;

  @BeforeEach
  void start() throws Exception {
    receiver = new ReceiverDouble();
  }

  @AfterEach
  void stop() {
    if (queue != null) queue.close();
    receiver.close();
  }

  private RemoteWriteQueue.Builder queue(QueueConfig config) {
    return RemoteWriteQueue.builder().name("test").url(receiver.url()).queueConfig(config).registry(registry)
        .flushDeadline(Duration.ofSeconds(2)).sender(req -> client.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
  }

  private static QueueConfig config(int capacity, int shards, int perSend, Duration deadline, boolean retry429) {
    return new QueueConfig(capacity, shards, shards, perSend, deadline, Duration.ofMillis(50), Duration.ofMillis(200), retry429);
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("condition not met within 10s");
      Thread.sleep(10);
    }
  }

  @Test
  void sendsSnappyProtobufWithTheStandardHeaders() throws Exception {
    queue = queue(config(100, 1, 3, Duration.ofMillis(100), false)).userAgent("remote-secrets-agent/test")
        .headers(Map.of("X-Scope-OrgID", "tenant-1")).externalLabels(Labels.of("cluster", "c1", "job", "ignored")).build();
    Labels up = Labels.of("__name__", "up", "job", "node");
    queue.append(up, 1000, 1);
    queue.append(up, 2000, Sample.STALE_NAN);
    queue.append(Labels.of("__name__", "x"), 3000, Double.NEGATIVE_INFINITY);

    await(() -> receiver.samplesReceived() == 3);
    ReceiverDouble.Received r = receiver.requests.get(0);
    assertThat(r.headers()).containsEntry("Content-encoding", List.of("snappy"))
        .containsEntry("Content-type", List.of("application/x-protobuf"))
        .containsEntry("User-agent", List.of("remote-secrets-agent/test"))
        .containsEntry("X-prometheus-remote-write-version", List.of("0.1.0"))
        .containsEntry("X-scope-orgid", List.of("tenant-1"));
    List<TimeSeries> series = r.request().getTimeseriesList();
    assertThat(series).hasSize(2);
    assertThat(series.get(0).getLabelsList()).containsExactly(label("__name__", "up"), label("cluster", "c1"), label("job", "node"));
    assertThat(series.get(0).getSamplesList()).hasSize(2);
    assertThat(series.get(0).getSamples(0).getTimestamp()).isEqualTo(1000);
    assertThat(Double.doubleToRawLongBits(series.get(0).getSamples(1).getValue())).isEqualTo(Sample.STALE_NAN_BITS);
    assertThat(series.get(1).getSamples(0).getValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    await(() -> value(registry, "prometheus_remote_storage_samples_total", "test") == 3);
    assertThat(value(registry, "prometheus_remote_storage_samples_pending", "test")).isZero();
    assertThat(value(registry, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds", "test")).isEqualTo(3.0);
    assertThat(value(registry, "prometheus_remote_storage_sent_batch_duration_seconds_count", "test")).isEqualTo(1);
    assertThat(value(registry, "prometheus_remote_storage_bytes_total", "test")).isPositive();
    assertThat(value(registry, "prometheus_remote_storage_shards", "test")).isEqualTo(1);
  }

  @Test
  void batchesByMaxSamplesPerSendAndDeadline() throws Exception {
    queue = queue(config(1000, 1, 10, Duration.ofMillis(300), false)).build();
    long t0 = System.nanoTime();
    for (int i = 0; i < 25; i++) queue.append(Labels.of("__name__", "m", "i", Integer.toString(i)), i, i);
    await(() -> receiver.samplesReceived() == 25);
    assertThat(receiver.requests).extracting(r -> r.request().getTimeseriesCount()).containsExactly(10, 10, 5);
    // The full batches leave at once; the last, partial one waits for batch_send_deadline.
    assertThat(receiver.requests.get(1).atNanos() - t0).isLessThan(Duration.ofMillis(250).toNanos());
    assertThat(receiver.requests.get(2).atNanos() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
  }

  @Test
  void badRequestIsNotRetriedAndCounted() throws Exception {
    receiver.script.add(new Reply(400, null));
    queue = queue(config(100, 1, 5, Duration.ofMillis(20), false)).build();
    for (int i = 0; i < 5; i++) queue.append(Labels.of("__name__", "m", "i", Integer.toString(i)), i, i);
    await(() -> value(registry, "prometheus_remote_storage_samples_failed_total", "test") == 5);
    Thread.sleep(300); // longer than max_backoff: a retry would have arrived by now
    assertThat(receiver.requests).hasSize(1);
    assertThat(value(registry, "prometheus_remote_storage_samples_retried_total", "test")).isZero();
    assertThat(value(registry, "prometheus_remote_storage_samples_total", "test")).isZero();
    assertThat(value(registry, "prometheus_remote_storage_samples_pending", "test")).isZero();
  }

  @Test
  void serverErrorsAreRetriedWithExponentialBackoff() throws Exception {
    receiver.script.add(new Reply(500, null));
    receiver.script.add(new Reply(503, null));
    receiver.script.add(new Reply(502, null));
    queue = queue(config(100, 1, 4, Duration.ofMillis(20), false)).build();
    for (int i = 0; i < 4; i++) queue.append(Labels.of("__name__", "m", "i", Integer.toString(i)), i, i);
    await(() -> value(registry, "prometheus_remote_storage_samples_total", "test") == 4);
    assertThat(receiver.requests).hasSize(4);
    assertThat(value(registry, "prometheus_remote_storage_samples_retried_total", "test")).isEqualTo(12);
    assertThat(value(registry, "prometheus_remote_storage_samples_failed_total", "test")).isZero();
    // Waits of 50ms, 100ms, 200ms (min_backoff doubling, capped at max_backoff 200ms).
    long[] gaps = new long[3];
    for (int i = 0; i < 3; i++) gaps[i] = receiver.requests.get(i + 1).atNanos() - receiver.requests.get(i).atNanos();
    assertThat(gaps[0]).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(gaps[1]).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(gaps[2]).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos()).isLessThan(Duration.ofMillis(1500).toNanos());
  }

  @Test
  void tooManyRequestsIsRetriedHonouringRetryAfterWhenEnabled() throws Exception {
    receiver.script.add(new Reply(429, "1"));
    queue = queue(config(100, 1, 2, Duration.ofMillis(20), true)).build();
    queue.append(Labels.of("__name__", "a"), 1, 1);
    queue.append(Labels.of("__name__", "b"), 1, 1);
    await(() -> value(registry, "prometheus_remote_storage_samples_total", "test") == 2);
    assertThat(receiver.requests).hasSize(2);
    assertThat(receiver.requests.get(1).atNanos() - receiver.requests.get(0).atNanos()).isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
    assertThat(value(registry, "prometheus_remote_storage_samples_retried_total", "test")).isEqualTo(2);
  }

  @Test
  void tooManyRequestsFailsWhenRetryIsDisabledAsByDefault() throws Exception {
    assertThat(QueueConfig.DEFAULT.retryOnHttp429()).isFalse();
    receiver.script.add(new Reply(429, "1"));
    queue = queue(config(100, 1, 1, Duration.ofMillis(20), false)).build();
    queue.append(Labels.of("__name__", "a"), 1, 1);
    await(() -> value(registry, "prometheus_remote_storage_samples_failed_total", "test") == 1);
    assertThat(receiver.requests).hasSize(1);
  }

  @Test
  void samplesBeyondCapacityAreDroppedAndCounted() throws Exception {
    receiver.defaultStatus = () -> 503; // receiver unavailable: the shard keeps retrying its batch
    queue = queue(config(10, 1, 5, Duration.ofMillis(10), false)).build();
    for (int i = 0; i < 5; i++) queue.append(Labels.of("__name__", "m", "i", Integer.toString(i)), i, i);
    await(() -> receiver.requests.size() >= 1); // first batch of 5 in flight, buffer empty
    int accepted = 0;
    for (int i = 5; i < 30; i++) if (queue.append(Labels.of("__name__", "m", "i", Integer.toString(i)), i, i)) accepted++;
    assertThat(accepted).isEqualTo(10);
    assertThat(value(registry, "prometheus_remote_storage_samples_dropped_total", "test")).isEqualTo(15);
    assertThat(value(registry, "prometheus_remote_storage_samples_pending", "test")).isEqualTo(15);

    receiver.defaultStatus = () -> 204; // back up: everything buffered arrives
    await(() -> value(registry, "prometheus_remote_storage_samples_total", "test") == 15);
    assertThat(receiver.requests.stream().filter(r -> true).count()).isGreaterThanOrEqualTo(4);
    assertThat(value(registry, "prometheus_remote_storage_samples_pending", "test")).isZero();
  }

  @Test
  void writeRelabelConfigsApplyBeforeEnqueueAndDropsAreCounted() throws Exception {
    ConfigDocument doc = ConfigDocument.parse("w.yml", null, """
        write_relabel_configs:
        - {source_labels: [__name__], regex: 'go_.*', action: drop}
        - {target_label: env, replacement: prod}
        """);
    List<RelabelConfig> relabel = RelabelConfig.parseList(doc.root().asMap().list("write_relabel_configs"));
    doc.finish();
    queue = queue(config(100, 2, 10, Duration.ofMillis(20), false)).writeRelabelConfigs(relabel).build();
    assertThat(queue.append(Labels.of("__name__", "go_goroutines"), 1, 1)).isFalse();
    assertThat(queue.append(Labels.of("__name__", "up"), 1, 1)).isTrue();
    await(() -> receiver.samplesReceived() == 1);
    assertThat(receiver.requests.get(0).request().getTimeseries(0).getLabelsList()).containsExactly(label("__name__", "up"), label("env", "prod"));
    assertThat(value(registry, "prometheus_remote_storage_samples_dropped_total", "test")).isEqualTo(1);
  }

  @Test
  void seriesKeepTheirOrderAcrossShards() throws Exception {
    queue = queue(config(10_000, 4, 50, Duration.ofMillis(20), false)).build();
    for (int t = 0; t < 50; t++) {
      for (int s = 0; s < 20; s++) assertThat(queue.append(Labels.of("__name__", "m", "s", Integer.toString(s)), t, t)).isTrue();
    }
    await(() -> receiver.samplesReceived() == 1000);
    java.util.Map<String, Long> last = new java.util.HashMap<>();
    for (ReceiverDouble.Received r : receiver.requests) {
      for (TimeSeries ts : r.request().getTimeseriesList()) {
        String key = ts.getLabelsList().toString();
        for (var sample : ts.getSamplesList()) {
          assertThat(sample.getTimestamp()).isGreaterThan(last.getOrDefault(key, -1L));
          last.put(key, sample.getTimestamp());
        }
      }
    }
    assertThat(last).hasSize(20);
  }

  @Test
  void reshardsUpUnderLoadKeepingEachSeriesInOrder() throws Exception {
    receiver.delayMillis = 20; // one shard sends at most 20 samples per 20ms
    queue = queue(new QueueConfig(100_000, 8, 1, 20, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(100), false))
        .shardUpdateInterval(Duration.ofMillis(200)).build();
    long[] next = new long[50];
    int accepted = 0;
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (value(registry, "prometheus_remote_storage_shards", "test") < 2) {
      assertThat(System.nanoTime()).as("no resharding within 10s").isLessThan(end);
      for (int i = 0; i < 25; i++) {
        int s = (accepted + i) % next.length;
        if (queue.append(Labels.of("__name__", "m", "s", Integer.toString(s)), next[s], 1)) next[s]++;
      }
      accepted += 25;
      Thread.sleep(5);
    }
    // Keep producing across the switch, then let everything drain.
    for (int round = 0; round < 40; round++) {
      for (int s = 0; s < next.length; s++) {
        if (queue.append(Labels.of("__name__", "m", "s", Integer.toString(s)), next[s], 1)) next[s]++;
      }
      Thread.sleep(5);
    }
    long total = java.util.Arrays.stream(next).sum();
    await(() -> value(registry, "prometheus_remote_storage_samples_total", "test") == total);
    assertThat(value(registry, "prometheus_remote_storage_samples_dropped_total", "test")).isZero();
    assertThat(value(registry, "prometheus_remote_storage_shards_desired", "test")).isGreaterThan(1);
    java.util.Map<String, Long> last = new java.util.HashMap<>();
    for (ReceiverDouble.Received r : receiver.requests) {
      for (TimeSeries ts : r.request().getTimeseriesList()) {
        String key = ts.getLabelsList().toString();
        for (var sample : ts.getSamplesList()) {
          assertThat(sample.getTimestamp()).as(key).isEqualTo(last.getOrDefault(key, -1L) + 1);
          last.put(key, sample.getTimestamp());
        }
      }
    }
  }

  @Test
  void closeFlushesThenRemovesItsMetrics() throws Exception {
    queue = queue(config(100, 1, 100, Duration.ofSeconds(30), false)).build();
    for (int i = 0; i < 7; i++) queue.append(Labels.of("__name__", "m", "i", Integer.toString(i)), i, i);
    queue.close();
    assertThat(receiver.samplesReceived()).isEqualTo(7);
    assertThat(queue.append(Labels.of("__name__", "late"), 1, 1)).isFalse();
    assertThat(value(registry, "prometheus_remote_storage_samples_total", "test")).isNaN();
  }

  @Test
  void closingAPredecessorOfTheSameNameLeavesTheSuccessorsMetrics() throws Exception {
    // As a reload does with a changed queue: the successor starts before the predecessor has flushed.
    RemoteWriteQueue old = queue(config(100, 1, 100, Duration.ofSeconds(30), false)).build();
    old.append(Labels.of("__name__", "old"), 1, 1);
    queue = queue(config(200, 1, 1, Duration.ofMillis(10), false)).build();
    old.close();
    assertThat(value(registry, "prometheus_remote_storage_shard_capacity", "test")).isEqualTo(200);
    queue.append(Labels.of("__name__", "new"), 2, 2);
    await(() -> receiver.samplesReceived() == 2);
    await(() -> value(registry, "prometheus_remote_storage_samples_total", "test") == 2);
    assertThat(value(registry, "prometheus_remote_storage_samples_pending", "test")).isZero();
  }

  @Test
  void closeGivesUpAfterTheFlushDeadlineAndCountsWhatIsLeft() throws Exception {
    receiver.defaultStatus = () -> 500;
    queue = queue(config(100, 1, 5, Duration.ofMillis(10), false)).flushDeadline(Duration.ofMillis(300)).build();
    for (int i = 0; i < 12; i++) queue.append(Labels.of("__name__", "m", "i", Integer.toString(i)), i, i);
    await(() -> receiver.requests.size() >= 1);
    long t0 = System.nanoTime();
    queue.close();
    assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(3).toNanos());
    queue = null;
  }

  @Test
  void aPasswordInTheUrlAppearsInNoMetricLabelOrLog() throws Exception {
    String canary = "canary-pw-5f3a9";
    java.net.URI withPassword = java.net.URI.create(receiver.url().toString().replace("http://", "http://user:" + canary + "@"));
    assertThat(RemoteWriteQueue.redacted(withPassword)).isEqualTo(receiver.url().toString().replace("http://", "http://user:xxxxx@"));
    try (var logs = new io.remotesecrets.testing.LogCapture()) {
      queue = queue(config(100, 1, 1, Duration.ofMillis(10), false)).url(withPassword)
          .sender(req -> java.util.concurrent.CompletableFuture.failedFuture(new java.io.IOException("cannot reach " + req.uri()))).build();
      queue.append(Labels.of("__name__", "a"), 1, 1);
      await(() -> value(registry, "prometheus_remote_storage_samples_retried_total", "test") >= 1);
      var out = new java.io.ByteArrayOutputStream();
      io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out, registry.scrape());
      String exposition = out.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertThat(exposition).contains("user:xxxxx@").doesNotContain(canary);
      queue.close();
      assertThat(logs.text()).contains("failed to send batch").contains("user:xxxxx@").doesNotContain(canary);
    }
  }

  @Test
  void aSenderThatThrowsIsRetriedLikeAFailedSend() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    queue = queue(config(100, 1, 1, Duration.ofMillis(10), false)).sender(req -> {
      if (calls.incrementAndGet() <= 2) throw new IllegalStateException("credentials not loaded yet");
      return client.sendAsync(req, HttpResponse.BodyHandlers.ofString());
    }).build();
    queue.append(Labels.of("__name__", "a"), 1, 1);
    await(() -> value(registry, "prometheus_remote_storage_samples_total", "test") == 1);
    assertThat(value(registry, "prometheus_remote_storage_samples_retried_total", "test")).isEqualTo(2);
  }

  @Test
  void retryAfterAcceptsSecondsAndHttpDates() {
    Clock clock = Clock.fixed(Instant.parse("2015-10-21T07:28:00Z"), ZoneOffset.UTC);
    assertThat(RemoteWriteQueue.retryAfter("120", clock)).isEqualTo(Duration.ofSeconds(120));
    assertThat(RemoteWriteQueue.retryAfter("Wed, 21 Oct 2015 07:28:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
    assertThat(RemoteWriteQueue.retryAfter("soon", clock)).isNull();
  }

  @Test
  void queueConfigDefaultsAndParsing() {
    assertThat(QueueConfig.DEFAULT).isEqualTo(new QueueConfig(2500, 200, 1, 500, Duration.ofSeconds(5), Duration.ofMillis(30), Duration.ofSeconds(5), false));
    ConfigDocument doc = ConfigDocument.parse("q.yml", null, """
        queue_config: {capacity: 10, max_shards: 4, min_shards: 2, max_samples_per_send: 3, batch_send_deadline: 1s,
                       min_backoff: 10ms, max_backoff: 1s, retry_on_http_429: true}
        bad: {capacity: 0}
        unknown: {maxshards: 3}
        """);
    assertThat(QueueConfig.parse(doc.root().asMap().map("queue_config")))
        .isEqualTo(new QueueConfig(10, 4, 2, 3, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofSeconds(1), true));
    QueueConfig.parse(doc.root().asMap().map("bad"));
    assertThat(QueueConfig.parse(doc.root().asMap().map("unknown"))).isEqualTo(QueueConfig.DEFAULT);
    org.assertj.core.api.Assertions.assertThatThrownBy(doc::finish).hasMessage("""
        q.yml:3:17: bad.capacity: must be positive, got 0
        q.yml:4:11: unknown.maxshards: unknown field "maxshards\"""");
  }

  private static Label label(String name, String value) {
    return Label.newBuilder().setName(name).setValue(value).build();
  }
}
