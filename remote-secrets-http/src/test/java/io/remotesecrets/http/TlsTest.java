package io.remotesecrets.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.Secret;
import io.remotesecrets.SecretManager;
import io.remotesecrets.config.SecretSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS material from providers, read per handshake, against JDK {@code HttpsServer}s that record what they see. */
class TlsTest {
  @TempDir static Path dir;
  static TestPki.Issued ca;
  static TestPki.Issued serverCert;

  private SecretManager manager;
  private SecretsHttpClient client;
  private TlsServers server;

  @BeforeAll
  static void pki() throws Exception {
    ca = TestPki.ca("tls-test-ca");
    serverCert = TestPki.server(ca, TestPki.ec());
    Files.writeString(dir.resolve("ca.pem"), ca.certPem());
  }

  @AfterEach
  void stop() {
    if (client != null) client.close();
    if (manager != null) manager.close();
    if (server != null) server.close();
  }

  private SecretsHttpClient client(String yaml) throws Exception {
    HttpClientConfig cfg = Configs.parse(yaml);
    manager = SecretManager.builder().build();
    for (SecretSpec s : cfg.secretSpecs()) manager.reader(s).await(Duration.ofSeconds(10));
    client = cfg.newClient(manager);
    return client;
  }

  private int get(String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static void replace(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Waits (bounded) until the manager holds {@code expected} for {@code spec}. */
  private void awaitValue(SecretSpec spec, String expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    // The file provider drops trailing line breaks.
    while (!manager.reader(spec).current().equals(Secret.of(expected.stripTrailing()))) {
      if (System.nanoTime() > deadline) throw new AssertionError("secret not rotated within 10 s: " + spec.description());
      Thread.sleep(20);
    }
  }

  @Test
  void aRotatedClientCertificateIsPresentedByTheNextConnection() throws Exception {
    TestPki.Issued first = TestPki.client(ca, "client-one", TestPki.ec());
    TestPki.Issued second = TestPki.client(ca, "client-two", TestPki.rsa());
    Path cert = dir.resolve("rot-client.pem");
    Path key = dir.resolve("rot-client.key");
    Files.writeString(cert, first.certPem());
    Files.writeString(key, first.traditionalKeyPem()); // SEC1
    server = new TlsServers(serverCert, ca);
    client("tls_config:\n  ca_file: " + dir.resolve("ca.pem") + "\n  cert_file: " + cert + "\n  key: {file: " + key + "}\n");

    assertThat(get(server.url())).isEqualTo(200);
    assertThat(get(server.url())).isEqualTo(200);
    // A chain: leaf and CA, PKCS#8 key of another type.
    replace(cert, second.certPem() + ca.certPem());
    replace(key, second.pkcs8KeyPem());
    HttpClientConfig cfg = client.config();
    awaitValue(cfg.tls().cert().orElseThrow(), second.certPem() + ca.certPem());
    awaitValue(cfg.tls().key().orElseThrow(), second.pkcs8KeyPem());
    assertThat(get(server.url())).isEqualTo(200);

    assertThat(server.presented).extracting(c -> c.getSubjectX500Principal().getName())
        .containsExactly("CN=client-one", "CN=client-one", "CN=client-two");
    // The request after the rotation neither reused a connection nor resumed a session of the old certificate.
    assertThat(server.sessions.get(2)).isNotSameAs(server.sessions.get(1)).isNotSameAs(server.sessions.get(0));
  }

  @Test
  void aPkcs1RsaKeyIsRead() throws Exception {
    TestPki.Issued rsa = TestPki.client(ca, "client-rsa", TestPki.rsa());
    Path cert = dir.resolve("rsa.pem");
    Path key = dir.resolve("rsa.key");
    Files.writeString(cert, rsa.certPem());
    Files.writeString(key, rsa.traditionalKeyPem());
    assertThat(Files.readString(key)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    server = new TlsServers(serverCert, ca);
    client("tls_config: {ca_file: " + dir.resolve("ca.pem") + ", cert_file: " + cert + ", key_file: " + key + "}\n");
    assertThat(get(server.url())).isEqualTo(200);
    assertThat(server.presented.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=client-rsa");
  }

  @Test
  void aMismatchedKeyFailsBeforeConnecting() throws Exception {
    TestPki.Issued one = TestPki.client(ca, "one", TestPki.ec());
    TestPki.Issued other = TestPki.client(ca, "other", TestPki.ec());
    Path cert = dir.resolve("mismatch.pem");
    Path key = dir.resolve("mismatch.key");
    Files.writeString(cert, one.certPem());
    Files.writeString(key, other.pkcs8KeyPem());
    server = new TlsServers(serverCert, ca);
    client("tls_config: {ca_file: " + dir.resolve("ca.pem") + ", cert_file: " + cert + ", key_file: " + key + "}\n");
    assertThatThrownBy(() -> get(server.url())).isInstanceOf(IOException.class)
        .hasMessage("unable to use specified client cert (provider file, ref " + cert + ") & key (provider file, ref "
            + key + "): private key does not match public key");
    assertThat(server.presented).isEmpty();
  }

  @Test
  void theCaIsReadPerHandshake() throws Exception {
    TestPki.Issued otherCa = TestPki.ca("other-ca");
    Path caFile = dir.resolve("rot-ca.pem");
    Files.writeString(caFile, otherCa.certPem());
    server = new TlsServers(serverCert, null);
    client("tls_config: {ca_file: " + caFile + "}\n");
    assertThatThrownBy(() -> get(server.url())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);

    replace(caFile, otherCa.certPem() + ca.certPem());
    awaitValue(client.config().tls().ca().orElseThrow(), otherCa.certPem() + ca.certPem());
    assertThat(get(server.url())).isEqualTo(200);
  }

  @Test
  void serverNameReplacesTheUrlHostInVerification() throws Exception {
    server = new TlsServers(TestPki.serverFor(ca, TestPki.ec(), "scrape.example"), null);
    client("tls_config: {ca_file: " + dir.resolve("ca.pem") + "}\n");
    assertThatThrownBy(() -> get(server.url())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    client.close();
    manager.close();

    client("tls_config: {ca_file: " + dir.resolve("ca.pem") + ", server_name: scrape.example}\n");
    assertThat(get(server.url())).isEqualTo(200);
    client.close();
    manager.close();

    client("tls_config: {ca_file: " + dir.resolve("ca.pem") + ", server_name: other.example}\n");
    assertThatThrownBy(() -> get(server.url())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class)
        .hasRootCauseMessage("x509: certificate is not valid for other.example");
  }

  @Test
  void insecureSkipVerifyAcceptsAnyServer() throws Exception {
    server = new TlsServers(TestPki.serverFor(TestPki.ca("unknown"), TestPki.ec(), "elsewhere.example"), null);
    client("tls_config: {insecure_skip_verify: true}\n");
    assertThat(get(server.url())).isEqualTo(200);
  }

  @Test
  void httpsGoesThroughAConnectTunnelWithTheProxyConnectHeader() throws Exception {
    server = new TlsServers(serverCert, null);
    try (ConnectProxy proxy = new ConnectProxy()) {
      Path proxyToken = dir.resolve("proxy-token");
      Files.writeString(proxyToken, "Bearer proxy-token-1\n");
      client("tls_config: {ca_file: " + dir.resolve("ca.pem") + "}\n"
          + "proxy_url: http://127.0.0.1:" + proxy.port() + "\n"
          + "proxy_connect_header: {Proxy-Authorization: [{file: " + proxyToken + "}]}\n"
          + "authorization: {credentials: origin-token}\n");
      assertThat(get(server.url())).isEqualTo(200);

      assertThat(proxy.connectHeads).hasSize(1);
      String head = proxy.connectHeads.get(0);
      assertThat(head).startsWith("CONNECT 127.0.0.1:" + server.server.getAddress().getPort() + " HTTP/1.1\r\n");
      assertThat(head).containsIgnoringCase("proxy-authorization: Bearer proxy-token-1\r\n").doesNotContain("origin-token");
      var origin = server.requestHeaders.get(0);
      assertThat(origin.getFirst("Authorization")).isEqualTo("Bearer origin-token");
      assertThat(origin.containsKey("Proxy-Authorization")).isFalse();
    }
  }

  @Test
  void theVersionRangeIsApplied() throws Exception {
    server = new TlsServers(serverCert, null);
    client("tls_config: {ca_file: " + dir.resolve("ca.pem") + ", min_version: TLS12, max_version: TLS12}\n");
    assertThat(get(server.url())).isEqualTo(200);
    assertThat(server.sessions.get(0).getProtocol()).isEqualTo("TLSv1.2");
  }
}
