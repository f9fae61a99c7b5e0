package io.remotesecrets.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.SecretReader;
import io.remotesecrets.vault.VaultDouble.TokenSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS to an HTTPS {@link VaultDouble} (Vault 1.15 HTTP API) whose certificate a private CA issued. */
class VaultTlsTest {
  static TestPki pki;
  Harness h;
  VaultDouble vault;
  String token;
  @TempDir Path dir;
  Path caFile;

  @BeforeAll
  static void ca() throws Exception {
    pki = new TestPki();
  }

  @BeforeEach
  void setUp() throws Exception {
    h = new Harness();
    caFile = dir.resolve("ca.pem");
    Files.writeString(caFile, pki.caPem());
  }

  @AfterEach
  void tearDown() {
    h.close();
    if (vault != null) vault.close();
  }

  void start(boolean loopbackIp, String... dnsNames) throws Exception {
    vault = new VaultDouble(h.clock, pki.server(loopbackIp, dnsNames));
    vault.mount("", "secret", 2).policy("p", "secret/data/*").put("", "secret", "app", Map.of("password", "tls-pw"));
    token = vault.token("", new TokenSpec("p", Duration.ZERO, Duration.ZERO, false));
  }

  SecretReader reader(String tls) {
    return h.readers("global:\n  secret_providers:\n  - name: vault\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n      auth: {token: " + token + "}\n"
        + (tls.isEmpty() ? "" : "      tls_config: " + tls + "\n")
        + "secrets:\n  p_ref: {vault: 'app#password'}\n").get("p");
  }

  @Test
  void aCustomCaIsTrusted() throws Exception {
    start(true, "vault.test");
    assertThat(reader("{ca_file: " + caFile + "}").current().reveal()).isEqualTo("tls-pw");
  }

  @Test
  void theCaCanBeGivenInline() throws Exception {
    start(true, "vault.test");
    String yaml = "global:\n  secret_providers:\n  - name: vault\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n      auth: {token: " + token + "}\n"
        + "      tls_config:\n        ca: |\n" + pki.caPem().indent(10)
        + "secrets:\n  p_ref: {vault: 'app#password'}\n";
    assertThat(h.readers(yaml).get("p").current().reveal()).isEqualTo("tls-pw");
  }

  @Test
  void withoutTheCaTheHandshakeFails() throws Exception {
    start(true, "vault.test");
    // JDK 21+ prefix the handshake message with the TLS alert, "(certificate_unknown) ".
    assertThatThrownBy(reader("")::current)
        .hasMessageStartingWith("waiting for secret app#password from provider vault: Vault "
            + vault.address() + ": GET auth/token/lookup-self failed: SSLHandshakeException (")
        .hasMessageContaining("PKIX path building failed");
  }

  @Test
  void theCertificateMustNameTheAddressHost() throws Exception {
    start(false, "vault.test");
    assertThatThrownBy(reader("{ca_file: " + caFile + "}")::current)
        .hasMessageContaining("GET auth/token/lookup-self failed: SSLHandshakeException (")
        .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1 found)");
  }

  @Test
  void serverNameReplacesTheAddressHostInTheCheck() throws Exception {
    start(false, "vault.test");
    assertThat(reader("{ca_file: " + caFile + ", server_name: vault.test}").current().reveal()).isEqualTo("tls-pw");
  }

  @Test
  void aWrongServerNameFails() throws Exception {
    start(true, "vault.test");
    assertThatThrownBy(reader("{ca_file: " + caFile + ", server_name: other.test}")::current)
        .hasMessageContaining("SSLHandshakeException (")
        .hasMessageContaining("the server certificate does not match tls_config.server_name other.test)");
  }

  @Test
  void insecureSkipVerifyTrustsAnyCertificate() throws Exception {
    start(false, "elsewhere.test");
    assertThat(reader("{insecure_skip_verify: true}").current().reveal()).isEqualTo("tls-pw");
  }

  @Test
  void aCaThatIsNotPemFailsTheProvider() throws Exception {
    start(true, "vault.test");
    Files.writeString(caFile, "not a certificate");
    assertThatThrownBy(reader("{ca_file: " + caFile + "}")::current).hasMessage(
        "waiting for secret app#password from provider vault: Vault " + vault.address()
            + ": invalid tls_config: tls_config.ca holds no valid PEM certificate");
  }
}
