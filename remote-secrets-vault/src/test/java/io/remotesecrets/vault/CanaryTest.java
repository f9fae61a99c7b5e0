package io.remotesecrets.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.remotesecrets.Secret;
import io.remotesecrets.SecretReader;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.testing.LogCapture;
import io.remotesecrets.vault.VaultDouble.TokenSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distinctive values (a secret, a token, AppRole and Kubernetes credentials) go through
 * success, rotation, rejection, denial, sealing and failed logins against the
 * {@link VaultDouble} (Vault 1.15 HTTP API), with the double quoting rejected credentials in
 * its errors; none of them may show up in a log line, an exception, a status, a toString, a
 * config dump or a metric label.
 */
class CanaryTest {
  static final String VALUE = "CANARY-value-5e1f0c";
  static final String VALUE2 = "CANARY-value-rotated-81d2";
  static final String TOKEN = "hvs.CANARY-token-9b2d";
  static final String ROLE_ID = "CANARY-role-3a7e";
  static final String SECRET_ID = "CANARY-sid-4c8d";
  static final String JWT = "CANARY-jwt-6f01";

  Harness h;
  VaultDouble vault;
  LogCapture logs;
  final List<String> seen = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    logs = new LogCapture();
    h = new Harness();
    vault = new VaultDouble(h.clock);
    vault.mount("", "secret", 2).policy("p", "secret/data/app*")
        .put("", "secret", "app", Map.of("password", VALUE, "user", "u"));
    vault.token("", TOKEN, new TokenSpec("p", Duration.ofMinutes(30), Duration.ZERO, true));
    // Vault knows the role but expects another JWT, so the login fails and the double quotes ours.
    vault.kubernetesRole("", "kubernetes", "r", "another-jwt", new TokenSpec("p", Duration.ZERO, Duration.ZERO, false));
    vault.echoInputsInErrors(true);
  }

  @AfterEach
  void tearDown() {
    logs.close();
    h.close();
    vault.close();
  }

  void see(Throwable t) {
    if (t == null) return;
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    seen.add(w.toString());
  }

  void see(SecretReader r) {
    seen.add(r.toString());
    seen.add(r.description());
    see(catchThrowable(r::current));
  }

  @Test
  void noCanaryLeaks(@TempDir Path dir) throws Exception {
    Path jwt = dir.resolve("jwt");
    Files.writeString(jwt, JWT);
    String yaml = "global:\n  secret_providers:\n"
        + "  - name: vt\n    vault_sp_config:\n      address: " + vault.address() + "\n      auth: {token: " + TOKEN + "}\n"
        + "  - name: va\n    vault_sp_config:\n      address: " + vault.address() + "\n"
        + "      auth: {approle: {role_id: " + ROLE_ID + ", secret_id: " + SECRET_ID + "}}\n"
        + "  - name: vk\n    vault_sp_config:\n      address: " + vault.address() + "\n"
        + "      auth: {kubernetes: {role: r, service_account_token_file: " + jwt + "}}\n"
        + "secrets:\n"
        + "  password_ref: {vt: 'app#password'}\n"
        + "  missing_ref: {vt: 'app#nope'}\n"
        + "  whole_ref: {vt: 'app'}\n"
        + "  approle_ref: {va: 'app#password'}\n"
        + "  kube_ref: {vk: 'app#password'}\n"
        + "  inline: {vault: {address: " + vault.address() + ", path: secret/app, key: password, auth: {token: " + TOKEN + "}}}\n";
    Map<String, SecretSpec> specs = h.parse(yaml);
    List<SecretReader> readers = new ArrayList<>();
    specs.values().forEach(s -> readers.add(h.manager.reader(s)));
    SecretReader password = readers.get(0);

    // Positive control: the values do flow.
    assertThat(password.current().reveal()).isEqualTo(VALUE);
    assertThat(readers.get(5).current().reveal()).isEqualTo(VALUE);

    vault.put("", "secret", "app", Map.of("password", VALUE2, "user", "u"));
    assertThat(password.reportRejected(Secret.of(VALUE)).get(5, TimeUnit.SECONDS).reveal()).isEqualTo(VALUE2);
    h.advance(Duration.ofMinutes(25));
    vault.policy("p", "secret/data/other");
    h.advance(Duration.ofHours(1));
    vault.seal(true);
    h.advance(Duration.ofHours(1));
    vault.seal(false);
    vault.revokeAll();
    h.advance(Duration.ofHours(1));

    readers.forEach(this::see);
    h.manager.status().forEach(s -> seen.add(s.toString()));
    specs.values().forEach(s -> seen.add(s.toString()));
    specs.values().forEach(s -> {
      if (s instanceof SecretSpec.FromProvider p) seen.add(p.provider().config().toString());
    });
    seen.add(h.lastDocument.dump());
    for (MetricSnapshot m : h.registry.scrape()) {
      for (DataPointSnapshot d : m.getDataPoints()) seen.add(d.getLabels().toString());
    }
    seen.add(logs.text());

    String all = String.join("\n", seen);
    assertThat(all).contains("permission denied", "Vault is sealed", "invalid role_id", "logged in", "<secret>");
    for (String canary : List.of(VALUE, VALUE2, TOKEN, ROLE_ID, SECRET_ID, JWT)) {
      assertThat(all).as(canary).doesNotContain(canary);
    }
    // The double did quote them, so the provider's redaction was exercised.
    assertThat(all).contains("invalid role_id <secret> or secret_id <secret>", "permission denied for jwt <secret>");
  }
}
