package io.remotesecrets.agent.web;

import io.remotesecrets.SecretStatus;
import io.remotesecrets.agent.scrape.DroppedTarget;
import io.remotesecrets.agent.scrape.Target;
import io.remotesecrets.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code /status} page: plain server-rendered HTML (no scripts), so that it works offline and
 * in any browser. It shows targets, secrets (provider, ref, state, age, error — never a value or
 * a fingerprint) and the configuration as loaded, with secret values replaced by
 * {@code <secret>}.
 */
final class StatusPage {
  private StatusPage() {}

  static String render(WebServer.Backend b, Instant now) {
    StringBuilder h = new StringBuilder(16 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>remote-secrets agent</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}")
        .append("table{border-collapse:collapse;margin-bottom:1.5em;width:100%}")
        .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}")
        .append("th{background:#f2f2f2}.up,.success{color:#1a7f37;font-weight:bold}")
        .append(".down,.error{color:#c62828;font-weight:bold}.unknown,.stale{color:#b26a00;font-weight:bold}")
        .append("pre{background:#f7f7f7;border:1px solid #ddd;padding:8px;overflow:auto}")
        .append("code{font-size:13px}</style></head><body>\n");
    h.append("<h1>remote-secrets agent</h1>\n<p>Configuration <code>").append(esc(b.configSource())).append("</code>");
    b.lastReload().ifPresent(t -> h.append(", loaded ").append(ago(t, now)).append(" ago"));
    h.append(".");
    b.lastReloadError().ifPresent(e -> h.append(" <span class=\"error\">Last reload failed; the previous configuration is running:</span><pre>")
        .append(esc(e)).append("</pre>"));
    h.append("</p>\n");

    h.append("<h2 id=\"targets\">Targets</h2>\n<table id=\"targets-table\"><thead><tr>")
        .append("<th>Job</th><th>Endpoint</th><th>State</th><th>Labels</th><th>Last scrape</th>")
        .append("<th>Scrape duration</th><th>Error</th></tr></thead><tbody>\n");
    int rows = 0;
    for (Map.Entry<String, List<Target>> e : b.targetsByJob().entrySet()) {
      for (Target t : e.getValue()) {
        rows++;
        h.append("<tr><td>").append(esc(t.job())).append("</td><td><code>").append(esc(t.url().toString()))
            .append("</code></td><td class=\"").append(esc(t.health())).append("\">").append(esc(t.health().toUpperCase(java.util.Locale.ROOT)))
            .append("</td><td><code>").append(esc(t.labels().toString())).append("</code></td><td>")
            .append(t.lastScrape().map(s -> ago(s, now) + " ago").orElse("never")).append("</td><td>")
            .append(t.lastScrape().isPresent() ? millis(t.lastScrapeDuration()) : "").append("</td><td>")
            .append(esc(t.lastError().orElse(""))).append("</td></tr>\n");
      }
    }
    if (rows == 0) h.append("<tr><td colspan=\"7\">No targets.</td></tr>\n");
    h.append("</tbody></table>\n");
    List<DroppedTarget> dropped = b.droppedTargets();
    if (!dropped.isEmpty()) {
      h.append("<details><summary>").append(dropped.size()).append(" dropped target(s)</summary><table><thead><tr>")
          .append("<th>Job</th><th>Discovered labels</th><th>Reason</th></tr></thead><tbody>\n");
      for (DroppedTarget d : dropped) {
        h.append("<tr><td>").append(esc(d.job())).append("</td><td><code>").append(esc(d.discoveredLabels().toString()))
            .append("</code></td><td>").append(esc(d.reason())).append("</td></tr>\n");
      }
      h.append("</tbody></table></details>\n");
    }

    h.append("<h2 id=\"secrets\">Secrets</h2>\n<table id=\"secrets-table\"><thead><tr>")
        .append("<th>Provider</th><th>Type</th><th>Ref</th><th>State</th><th>Last fetched</th>")
        .append("<th>Refresh interval</th><th>Last error</th><th>Used by</th></tr></thead><tbody>\n");
    List<SecretStatus> secrets = b.secrets();
    for (SecretStatus s : secrets) {
      h.append("<tr><td>").append(esc(s.provider())).append("</td><td>").append(esc(s.type())).append("</td><td><code>")
          .append(esc(s.ref())).append("</code></td><td class=\"").append(esc(s.state().label())).append("\">")
          .append(esc(s.state().label())).append("</td><td>")
          .append(s.lastSuccess().map(t -> ago(t, now) + " ago").orElse("never")).append("</td><td>")
          .append(esc(Durations.format(s.refreshInterval()))).append("</td><td>")
          .append(esc(s.lastError().orElse(""))).append("</td><td>");
      for (String path : b.secretUsers(s.provider(), s.ref())) h.append("<code>").append(esc(path)).append("</code><br>");
      h.append("</td></tr>\n");
    }
    if (secrets.isEmpty()) h.append("<tr><td colspan=\"8\">No secrets from providers.</td></tr>\n");
    h.append("</tbody></table>\n");

    List<RemoteWriteStatus> writes = b.remoteWrites();
    h.append("<h2 id=\"remote-write\">Remote write</h2>\n<table id=\"remote-write-table\"><thead><tr>")
        .append("<th>Name</th><th>URL</th><th>Pending</th><th>Sent</th><th>Retried</th><th>Failed</th><th>Dropped</th>")
        .append("</tr></thead><tbody>\n");
    for (RemoteWriteStatus w : writes) {
      h.append("<tr><td>").append(esc(w.name())).append("</td><td><code>").append(esc(w.url())).append("</code></td><td>")
          .append(count(w.pending())).append("</td><td>").append(count(w.sent())).append("</td><td>")
          .append(count(w.retried())).append("</td><td").append(w.failed() > 0 ? " class=\"error\"" : "").append(">")
          .append(count(w.failed())).append("</td><td").append(w.dropped() > 0 ? " class=\"error\"" : "").append(">")
          .append(count(w.dropped())).append("</td></tr>\n");
    }
    if (writes.isEmpty()) h.append("<tr><td colspan=\"7\">No remote_write configured: samples are scraped but not sent.</td></tr>\n");
    h.append("</tbody></table>\n");

    h.append("<h2 id=\"config\">Configuration</h2>\n<p>Secret values are shown as <code>&lt;secret&gt;</code>.</p><pre id=\"config-dump\">")
        .append(esc(b.configDump())).append("</pre>\n");
    h.append("<p><a href=\"/metrics\">/metrics</a> · <a href=\"/api/v1/targets\">/api/v1/targets</a> · ")
        .append("<a href=\"/api/v1/status/config\">/api/v1/status/config</a></p>\n</body></html>\n");
    return h.toString();
  }

  private static String count(double v) {
    return String.format(java.util.Locale.ROOT, "%.0f", v);
  }

  static String ago(Instant t, Instant now) {
    Duration d = Duration.between(t, now);
    if (d.isNegative()) d = Duration.ZERO;
    if (d.toMillis() < 1000) return d.toMillis() + "ms";
    return Durations.format(Duration.ofSeconds(d.toSeconds()));
  }

  private static String millis(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1fms", d.toNanos() / 1e6);
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

}
