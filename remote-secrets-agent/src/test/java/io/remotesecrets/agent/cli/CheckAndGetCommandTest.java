package io.remotesecrets.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.Secret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckAndGetCommandTest {
  static final String CANARY = "CANARY-cli-5b1e";
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  Path validConfig() throws Exception {
    write("pass", CANARY + "-file\n");
    return write("prometheus.yml", """
        global:
          scrape_interval: 15s
          secret_providers:
          - name: demo
            inline_sp_config: {secrets: {pw: %1$s-inline}}
          - name: files
            file_sp_config: {base_dir: .}
        scrape_configs:
        - job_name: a
          basic_auth: {username: u, password_ref: {demo: pw}}
          static_configs: [{targets: ['127.0.0.1:9100']}]
        - job_name: b
          http_config:
            basic_auth: {username: u, password_ref: {files: pass}}
          static_configs: [{targets: ['127.0.0.1:9100']}]
        - job_name: c
          basic_auth: {username: u, password: %1$s-plain}
          static_configs: [{targets: ['127.0.0.1:9100']}]
        """.formatted(CANARY));
  }

  @Test
  void validConfigPassesLikePromtool() throws Exception {
    Path file = validConfig();
    Result r = run(new CheckCommand(), "config", file.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("Checking " + file + "\n SUCCESS: " + file + " is valid remote-secrets config file syntax\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void everyErrorIsPrintedAndTheExitCodeIsOne() throws Exception {
    Path file = write("bad.yml", """
        global:
          secret_providers:
          - {name: demo, inline_sp_config: {secrets: {pw: x}}}
        scrape_configs:
        - job_name: a
          basic_auth: {username: u, password_ref: {kube9: pw}}
          static_configs: [{targets: ['127.0.0.1:9100']}]
        - job_name: b
          basic_auth: {username: u, password: x, password_file: /y}
          static_configs: [{targets: ['127.0.0.1:9100']}]
        """);
    Result r = run(new CheckCommand(), "config", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEqualTo("Checking " + file + "\n  FAILED: 2 errors\n");
    assertThat(r.err()).isEqualTo(
        file + ":6:51: scrape_configs[0].basic_auth.password_ref.kube9: unknown secret provider \"kube9\"; declared providers: demo\n"
        + file + ":9:15: scrape_configs[1].basic_auth: at most one of basic_auth password, password_file & password_ref must be configured\n");
  }

  @Test
  void fetchReportsEverySecretWithoutItsValue() throws Exception {
    Path file = validConfig();
    Result r = run(new CheckCommand(), "config", "--fetch", file.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains(
        "  scrape_configs[0].basic_auth.password_ref: provider demo, ref pw: fetched",
        "  scrape_configs[1].http_config.basic_auth.password_ref: provider files, ref pass: fetched",
        "  scrape_configs[2].basic_auth.password: inline");
    assertThat(r.out() + r.err()).doesNotContain(CANARY);

    Files.delete(dir.resolve("pass"));
    Result failed = run(new CheckCommand(), "config", "--fetch", "--fetch.timeout=2s", file.toString());
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.out()).contains("  scrape_configs[1].http_config.basic_auth.password_ref: FAILED: waiting for secret pass from provider files: file "
        + dir.resolve("pass") + " does not exist");
  }

  @Test
  void getPrintsLengthAndFingerprintAndTheValueOnlyWhenAsked() throws Exception {
    Path file = validConfig();
    Result r = run(new GetCommand(), "--config", file.toString(), "demo", "pw");
    assertThat(r.code()).isZero();
    Secret expected = Secret.of(CANARY + "-inline");
    assertThat(r.out()).isEqualTo("length=" + expected.length() + " fingerprint=" + expected.fingerprint() + "\n");
    assertThat(run(new GetCommand(), "--config", file.toString(), "files", "pass", "--reveal").out()).isEqualTo(CANARY + "-file\n");

    Result unknown = run(new GetCommand(), "--config", file.toString(), "nope", "pw");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("unknown secret provider \"nope\"; declared providers: demo, files\n");
    Result badRef = run(new GetCommand(), "--config", file.toString(), "files", "../etc/passwd");
    assertThat(badRef.err()).isEqualTo("invalid ref \"../etc/passwd\" for secret provider files (file): must not contain \"..\"\n");
    Result missing = run(new GetCommand(), "--config", file.toString(), "files", "nope", "--timeout=2s");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("waiting for secret nope from provider files: file " + dir.resolve("nope") + " does not exist\n");
  }
}
