package io.remotesecrets.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void rootListsTheAgentCommand() {
    Run r = run();
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Usage: remote-secrets", "agent");
  }

  @Test
  void agentHelpShowsPrometheusStyleFlags() {
    Run r = run("agent", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--config.file=<file>", "--web.listen-address=<host:port>", "127.0.0.1:9095",
        "--log.level=<level>", "--log.format=<format>");
  }

  @Test
  void badFlagsAreUsageErrors() {
    assertThat(run("agent", "--log.level=loud").err()).contains(
        "--log.level: log level must be one of debug, info, warn, error; got \"loud\"");
    assertThat(run("agent", "--log.format=xml").err()).contains("Invalid value for option '--log.format'");
    assertThat(run("agent", "--web.listen-address=nope").err()).contains(
        "--web.listen-address must be host:port, got \"nope\"");
    assertThat(run("agent", "--web.listen-address=nope").code()).isEqualTo(2);
  }

  @Test
  void busyListenAddressIsReportedWithoutAStackTrace() throws Exception {
    Path ok = Files.writeString(dir.resolve("ok.yml"), "global: {}\n");
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run r = run("agent", "--config.file=" + ok, "--web.listen-address=127.0.0.1:" + busy.getLocalPort());
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).startsWith("error starting the agent: cannot listen on 127.0.0.1:" + busy.getLocalPort() + ": ")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void invalidConfigurationExitsWithItsErrors() throws Exception {
    Path bad = Files.writeString(dir.resolve("p.yml"), "scrape_configs: [{job_name: ''}]\n");
    Run r = run("agent", "--config.file=" + bad, "--web.listen-address=127.0.0.1:0");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("error loading configuration:\n" + bad + ":1:29: scrape_configs[0].job_name: job_name is empty\n");
  }
}
