package io.remotesecrets.agent.textparse;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.remotesecrets.agent.model.Labels;
import io.remotesecrets.agent.remotewrite.PrometheusServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential test against Debian's prometheus 2.42: it scrapes a payload from a local HTTP
 * server (answering with the Content-Type under test), and every series it stored, with its
 * value, must be what our parser reads from the same bytes, and nothing more.
 */
@Tag("peer")
class PrometheusScrapeDifferentialTest {
  static final String TRICKY_TEXT = """
      # HELP tricky_total A "help" with \\\\ and \\n escapes
      # TYPE tricky_total counter
      tricky_total{path="C:\\\\dir\\\\file",quote="say \\"hi\\"",nl="a\\nb",tab="a\\tb",uni="grüße ✓"} 1.5e3
      tricky_total {a="b" , c = "d",} 7
      tricky_empty{a="",b="x"} 1
      tricky_spaces\t{x="y"}\t   -0.25  \t
      # a plain comment
      #also a comment
      tricky_inf{s="+"} +Inf
      tricky_inf{s="-"} -Inf
      tricky_nan NaN
      tricky_exp -1.5E-3
      tricky_big 1.7976931348623157e308
      tricky_small 5e-324
      tricky_int 123456789012345678901234567890
      """;

  static final String TRICKY_OM = """
      # TYPE om_c counter
      # HELP om_c Counter with "quotes" \\" and \\\\ and \\n.
      om_c_total{a="x\\"y",b="\\\\",c="\\n"} 17 # {trace_id="abc"} 1.0 1520879607.789
      om_c_created 1.6e9
      # TYPE om_g_seconds gauge
      # UNIT om_g_seconds seconds
      om_g_seconds{} NaN
      om_g_seconds{x="1"} -Inf
      # TYPE om_h histogram
      om_h_bucket{le="0.5"} 1
      om_h_bucket{le="+Inf"} 2
      om_h_count 2
      om_h_sum 1.5
      # TYPE om_u unknown
      om_u 0.000001
      # EOF
      """;

  private static final Set<String> SYNTHETIC = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
      "scrape_samples_post_metric_relabeling", "scrape_series_added");

  @ParameterizedTest
  @ValueSource(strings = {"text", "openmetrics"})
  void prometheusStoresExactlyWhatWeParse(String kind) throws Exception {
    boolean om = kind.equals("openmetrics");
    // A sample with its own timestamp, recent enough for the instant query's lookback.
    long stampMs = System.currentTimeMillis() - 3_000 + 123;
    String stamped = om ? "stamped 4 " + java.math.BigDecimal.valueOf(stampMs, 3).toPlainString() + "\n" : "stamped 4 " + stampMs + "\n";
    byte[] payload = om ? TRICKY_OM.replace("# EOF\n", stamped + "# EOF\n").getBytes(StandardCharsets.UTF_8)
        : (new String(TextParserTest.nodeExporter(), StandardCharsets.UTF_8) + TRICKY_TEXT + stamped).getBytes(StandardCharsets.UTF_8);
    String contentType = om ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8";

    Map<Labels, Double> ours = new HashMap<>();
    long[] ourStamp = {0};
    new TextParser().parse(payload, contentType, (series, value, ts) -> {
      ours.put(series, value);
      if (series.metricName().equals("stamped")) ourStamp[0] = ts;
    });
    // OpenMetrics seconds become int64(seconds * 1000) in both parsers: possibly 1ms below.
    assertThat(ourStamp[0]).isBetween(om ? stampMs - 1 : stampMs, stampMs);

    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/metrics", ex -> {
      try (ex) {
        ex.getResponseHeaders().add("Content-Type", contentType);
        ex.sendResponseHeaders(200, payload.length);
        ex.getResponseBody().write(payload);
      }
    });
    target.start();
    String config = "global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
        + "scrape_configs:\n- job_name: fixture\n  static_configs: [{targets: ['127.0.0.1:" + target.getAddress().getPort() + "']}]\n";
    try (PrometheusServer prom = PrometheusServer.start(PrometheusServer.freePort(), config)) {
      long end = System.nanoTime() + 20_000_000_000L;
      while (!prom.values("up{job=\"fixture\"}").equals(List.of("1"))) {
        assertThat(System.nanoTime()).as("no successful scrape within 20s: %s", prom.targets()).isLessThan(end);
        Thread.sleep(200);
      }
      Map<Labels, Double> theirs = new HashMap<>();
      Map<?, ?> response = (Map<?, ?>) MiniJson.parse(prom.query("{job=\"fixture\"}"));
      for (Object r : (List<?>) ((Map<?, ?>) response.get("data")).get("result")) {
        Map<String, String> metric = new HashMap<>();
        ((Map<?, ?>) ((Map<?, ?>) r).get("metric")).forEach((k, v) -> metric.put((String) k, (String) v));
        if (SYNTHETIC.contains(metric.get("__name__"))) continue;
        metric.remove("job");
        metric.remove("instance");
        String v = (String) ((List<?>) ((Map<?, ?>) r).get("value")).get(1);
        theirs.put(Labels.of(metric), Double.parseDouble(v.replace("Inf", "Infinity")));
      }
      assertThat(theirs.keySet()).containsExactlyInAnyOrderElementsOf(ours.keySet());
      for (Map.Entry<Labels, Double> e : ours.entrySet()) {
        assertThat(theirs.get(e.getKey())).as(e.getKey().toString()).isEqualTo(e.getValue());
      }
      assertThat(ours).hasSize(om ? 10 : 507 + 12);
      assertThat(prom.values("timestamp(stamped)")).containsExactly(java.math.BigDecimal.valueOf(ourStamp[0], 3).stripTrailingZeros().toPlainString());
    } finally {
      target.stop(0);
    }
  }
}
