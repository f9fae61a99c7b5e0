package io.remotesecrets.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.agent.Agent;
import io.remotesecrets.agent.AgentOptions;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's {@code /status} page as a real browser renders it: Debian's headless Chromium dumps
 * the DOM, which must hold the targets table (the demo target UP) and the secrets table (the demo
 * provider's secret fetched), and the configuration with its secret printed as {@code <secret>}.
 */
@Tag("peer")
class StatusPageChromiumTest {
  @TempDir
  Path profile;

  @Test
  void demoStatusPageShowsTargetsAndSecretsInChromium() throws Exception {
    Peers.requireBinary(Peers.CHROMIUM, "chromium");
    try (Agent agent = Agent.start(AgentOptions.demo(new InetSocketAddress("127.0.0.1", 0)))) {
      Peers.await(Duration.ofSeconds(20), "the demo target to be scraped",
          () -> agent.scrapeManager().targetsByJob().get("demo").get(0).health().equals("up"));
      String dom = dumpDom(agent.webUrl().resolve("/status").toString());
      assertThat(dom).contains("<h2 id=\"targets\">Targets</h2>", "<table id=\"targets-table\">",
          "<h2 id=\"secrets\">Secrets</h2>", "<table id=\"secrets-table\">");
      String targets = dom.substring(dom.indexOf("id=\"targets-table\""), dom.indexOf("id=\"secrets\""));
      assertThat(targets).contains("<td>demo</td>", "<td class=\"up\">UP</td>", "<td>remote-secrets-agent</td>");
      String secrets = dom.substring(dom.indexOf("id=\"secrets-table\""), dom.indexOf("id=\"config\""));
      assertThat(secrets).contains("<td>demo</td><td>inline</td><td><code>demo-password</code></td>",
          "<td class=\"success\">success</td>", "<code>scrape_configs[0].basic_auth.password_ref</code>");
      assertThat(dom).contains("demo-password: &lt;secret&gt;", "<table id=\"remote-write-table\">",
          "No remote_write configured: samples are scraped but not sent.");
    }
  }

  private String dumpDom(String url) throws Exception {
    Path out = profile.resolve("dom.html");
    Path err = profile.resolve("chromium.log");
    Process p = new ProcessBuilder(Peers.CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--user-data-dir=" + profile.resolve("profile"), "--dump-dom", url)
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 60s:\n" + Files.readString(err));
    }
    assertThat(p.exitValue()).as("chromium exit code; log:\n%s", Files.readString(err)).isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
