package io.remotesecrets.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretState;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file, env, exec and inline providers, through the real SecretManager. */
class BuiltInProvidersTest {
  @TempDir Path dir;
  final SecretManager manager = SecretManager.builder().initialBackoff(Duration.ofMillis(50)).build();

  @AfterEach
  void close() {
    manager.close();
  }

  /** Parses {@code providers} as global.secret_providers and {@code field} as a password field. */
  SecretSpec spec(String providers, String field) throws IOException {
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, "global: {secret_providers: " + providers + "}\njob: {" + field + "}\n");
    ConfigDocument doc = ConfigDocument.read(file);
    ConfigContext ctx = new ConfigContext(doc, SecretProviderFactories.load());
    ConfigMap root = doc.root().asMap();
    ctx.declareProviders(root.map("global").required("secret_providers"));
    SecretSpec spec = ctx.secret(root.map("job"), "", "password").orElseThrow();
    doc.finish();
    return spec;
  }

  static String await(SecretReader r) throws SecretUnavailableException {
    return r.await(Duration.ofSeconds(10)).reveal();
  }

  @Test
  void fileProviderReadsRelativeToBaseDirAndTrimsTheTrailingNewline() throws Exception {
    Files.createDirectories(dir.resolve("secrets/scrape"));
    Files.writeString(dir.resolve("secrets/scrape/pass"), "s3cret\n");
    SecretReader r = manager.reader(spec("[{name: f, file_sp_config: {base_dir: secrets}}]", "password_ref: {f: scrape/pass}"));
    assertThat(await(r)).isEqualTo("s3cret");
  }

  @Test
  void fileFieldAndMapFormReadTheSameWay() throws Exception {
    Files.writeString(dir.resolve("pass"), "v1\r\n");
    assertThat(await(manager.reader(spec("[]", "password_file: pass")))).isEqualTo("v1");
    assertThat(await(manager.reader(spec("[]", "password: {file: " + dir.resolve("pass") + "}")))).isEqualTo("v1");
    assertThat(await(manager.reader(spec("[]", "password: {file: {path: pass}}")))).isEqualTo("v1");
  }

  @Test
  void rotatedFileReachesTheCacheWithinASecondWithoutPolling() throws Exception {
    Path pass = dir.resolve("pass");
    Files.writeString(pass, "old");
    SecretReader r = manager.reader(spec("[]", "password_file: pass"));
    assertThat(await(r)).isEqualTo("old");
    Thread.sleep(100); // let the watch start
    // Rotate atomically, as Kubernetes and most tools do.
    Path tmp = dir.resolve("pass.tmp");
    Files.writeString(tmp, "new");
    long t0 = System.nanoTime();
    Files.move(tmp, pass, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    while (!r.current().reveal().equals("new") && System.nanoTime() - t0 < 5_000_000_000L) Thread.sleep(10);
    assertThat(r.current().reveal()).isEqualTo("new");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
    assertThat(manager.status().get(0).state()).isEqualTo(SecretState.SUCCESS);
  }

  @Test
  void deletedFileTurnsStaleAndRecreatedFileIsFresh() throws Exception {
    Path pass = dir.resolve("pass");
    Files.writeString(pass, "one");
    SecretReader r = manager.reader(spec("[]", "password_file: pass"));
    assertThat(await(r)).isEqualTo("one");
    Thread.sleep(100);
    Files.delete(pass);
    waitFor(() -> manager.status().get(0).state() == SecretState.STALE);
    assertThat(r.current().reveal()).isEqualTo("one");
    assertThat(manager.status().get(0).lastError().orElseThrow())
        .isEqualTo("provider file, ref " + pass + ": file " + pass + " does not exist");
    Files.writeString(pass, "two");
    waitFor(() -> r.current().reveal().equals("two"));
    assertThat(manager.status().get(0).state()).isEqualTo(SecretState.SUCCESS);
  }

  @Test
  void missingFileIsAnErrorNamingProviderRefAndCause() throws Exception {
    SecretReader r = manager.reader(spec("[]", "password_file: nope"));
    Path nope = dir.resolve("nope");
    assertThatThrownBy(() -> r.await(Duration.ofSeconds(5)))
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessage("waiting for secret " + nope + " from provider file: file " + nope + " does not exist");
  }

  @Test
  void envProviderReadsVariablesAndAMissingOneIsAnError() throws Exception {
    String home = System.getenv("HOME");
    assertThat(await(manager.reader(spec("[{name: e, env_sp_config: {}}]", "password_ref: {e: HOME}")))).isEqualTo(home);
    assertThat(await(manager.reader(spec("[]", "password: {env: {name: HOME}}")))).isEqualTo(home);
    SecretReader missing = manager.reader(spec("[]", "password: {env: REMOTE_SECRETS_SURELY_UNSET_VAR}"));
    assertThatThrownBy(() -> missing.await(Duration.ofSeconds(5)))
        .hasMessage("waiting for secret REMOTE_SECRETS_SURELY_UNSET_VAR from provider env: environment variable REMOTE_SECRETS_SURELY_UNSET_VAR is not set");
  }

  @Test
  void inlineProviderServesConfiguredValues() throws Exception {
    assertThat(await(manager.reader(spec("[{name: demo, inline_sp_config: {secrets: {pw: hello}}}]", "password_ref: {demo: pw}"))))
        .isEqualTo("hello");
  }

  Path script(String body) throws IOException {
    Path s = dir.resolve("secret-cmd-" + System.nanoTime());
    Files.writeString(s, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
    return s;
  }

  String execProviders(Path script, String extra) {
    return "[{name: x, exec_sp_config: {command: [" + script + "]" + extra + "}}]";
  }

  @Test
  void execProviderSpeaksVectorsProtocol() throws Exception {
    // Echoes the request back inside the value, proving the request is sent on stdin.
    Path s = script("req=$(cat); printf '{\"db\": {\"value\": \"%s\", \"error\": null}}' \"$(echo \"$req\" | sed 's/\"/Q/g')\"");
    assertThat(await(manager.reader(spec(execProviders(s, ""), "password_ref: {x: db}"))))
        .isEqualTo("{QversionQ:Q1.0Q,QsecretsQ:[QdbQ]}");
  }

  @Test
  void execProviderErrorsNameTheCommandAndNeverEchoItsOutput() throws Exception {
    Path crash = script("echo 'canary-stdout-9d2e'; exit 3");
    Path slow = script("sleep 5");
    Path reported = script("cat >/dev/null; echo '{\"db\": {\"value\": null, \"error\": \"no such key\"}}'");
    Path garbage = script("cat >/dev/null; echo '{\"db\": {\"value\": \"canary-stdout-9d2e'");
    Path huge = script("cat >/dev/null; head -c 2000000 /dev/zero | tr '\\\\0' a");
    assertFails(crash, "", "command " + crash + " exited with status 3");
    assertFails(slow, ", timeout: 200ms", "command " + slow + " timed out after 200ms");
    assertFails(reported, "", "command " + reported + " reported an error: no such key");
    assertFails(garbage, "", "command " + garbage + " wrote output that is not JSON");
    assertFails(huge, "", "command " + huge + " wrote more than 1048576 bytes");
  }

  private void assertFails(Path script, String extra, String cause) throws IOException {
    SecretReader r = manager.reader(spec(execProviders(script, extra), "password_ref: {x: db}"));
    assertThatThrownBy(() -> r.await(Duration.ofSeconds(10)))
        .hasMessage("waiting for secret db from provider x: " + cause)
        .message().doesNotContain("canary");
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void waitFor(Check c) throws Exception {
    long end = System.nanoTime() + 5_000_000_000L;
    while (!c.ok()) {
      if (System.nanoTime() > end) throw new AssertionError("condition not met within 5 s");
      Thread.sleep(10);
    }
  }
}
