package io.remotesecrets.agent.e2e;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Real peers from Debian packages, started on 127.0.0.1 by the tests: {@code prometheus} 2.42
 * (remote_write receiver, HTTP API v1) and {@code prometheus-node-exporter} 1.5 (exporter-toolkit
 * web config: TLS and bcrypt basic auth). A missing binary fails the test; it never skips.
 */
final class Peers {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Peers() {}

  static void requireBinary(Path binary, String debianPackage) {
    if (!Files.isExecutable(binary)) {
      throw new AssertionError(binary + " is missing: install the Debian package with apt-get install -y " + debianPackage);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Polls {@code condition} every 50 ms for at most {@code timeout}; fails with {@code what}. */
  static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      Thread.sleep(50);
    }
  }

  /** A started process, stopped by {@link #close()}. */
  static class Peer implements AutoCloseable {
    final int port;
    final Process process;
    final Path log;

    Peer(int port, Process process, Path log) {
      this.port = port;
      this.process = process;
      this.log = log;
    }

    String log() throws IOException {
      return Files.readString(log);
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  static final class Prometheus extends Peer {
    Prometheus(int port, Process process, Path log) {
      super(port, process, log);
    }

    URI writeUrl() {
      return URI.create("http://127.0.0.1:" + port + "/api/v1/write");
    }

    /** The body of an instant query. */
    String query(String promql) throws IOException, InterruptedException {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new AssertionError("query " + promql + ": " + r.statusCode() + " " + r.body());
      return r.body();
    }

    /** The metric label sets of an instant query's result vector, as JSON objects. */
    List<String> series(String promql) throws IOException, InterruptedException {
      Matcher m = Pattern.compile("\"metric\":(\\{[^}]*\\})").matcher(query(promql));
      List<String> out = new ArrayList<>();
      while (m.find()) out.add(m.group(1));
      return out;
    }
  }

  /** Prometheus 2.42 as a remote_write receiver, scraping nothing itself. */
  static Prometheus prometheus(Path dir) throws Exception {
    requireBinary(PROMETHEUS, "prometheus");
    int port = freePort();
    Path config = Files.writeString(dir.resolve("receiver.yml"), "global: {}\n");
    Path log = dir.resolve("prometheus.log");
    Process p = new ProcessBuilder(PROMETHEUS.toString(), "--web.enable-remote-write-receiver",
        "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + dir.resolve("tsdb"),
        "--config.file=" + config).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Prometheus prom = new Prometheus(port, p, log);
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      if (!p.isAlive()) throw new AssertionError("prometheus exited with " + p.exitValue() + ":\n" + Files.readString(log));
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return prom;
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > end) {
        prom.close();
        throw new AssertionError("prometheus not ready within 30s:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }

  /** node_exporter 1.5 with TLS (this certificate) and basic auth ({@code user}, bcrypt of {@code password}). */
  static Peer nodeExporter(Path dir, Pki pki, String user, String password) throws Exception {
    requireBinary(NODE_EXPORTER, "prometheus-node-exporter");
    Path web = writeWebConfig(dir, pki, user, password);
    int port = freePort();
    Path log = dir.resolve("node_exporter.log");
    Process p = new ProcessBuilder(NODE_EXPORTER.toString(), "--web.listen-address=127.0.0.1:" + port,
        "--web.config.file=" + web, "--collector.disable-defaults", "--collector.time", "--collector.loadavg",
        "--collector.meminfo").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      if (!p.isAlive()) throw new AssertionError("node_exporter exited with " + p.exitValue() + ":\n" + Files.readString(log));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new Peer(port, p, log);
      } catch (IOException e) {
        if (System.nanoTime() > end) {
          p.destroyForcibly();
          throw new AssertionError("node_exporter did not listen within 15s:\n" + Files.readString(log));
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * Writes node_exporter's web config ({@code dir/web.yml}): TLS with this certificate, basic
   * auth for {@code user} with a bcrypt hash of {@code password}. node_exporter re-reads it on
   * every request, so rewriting it rotates the password.
   */
  static Path writeWebConfig(Path dir, Pki pki, String user, String password) throws IOException {
    Path cert = Files.writeString(dir.resolve("node.crt"), pki.certPem());
    Path key = Files.writeString(dir.resolve("node.key"), pki.keyPem());
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    String hash = OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 5);
    Path tmp = Files.writeString(dir.resolve("web.yml.tmp"), """
        tls_server_config:
          cert_file: %s
          key_file: %s
        basic_auth_users:
          %s: '%s'
        """.formatted(cert, key, user, hash));
    return Files.move(tmp, dir.resolve("web.yml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** A self-signed CA certificate for 127.0.0.1 that the server uses directly; the client trusts it as its CA. */
  record Pki(X509Certificate cert, KeyPair keys) {
    static Pki create() throws Exception {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      X500Name name = new X500Name("CN=127.0.0.1");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name, kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.digitalSignature));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      return new Pki(cert, kp);
    }

    String certPem() throws IOException {
      return pem(cert);
    }

    String keyPem() throws IOException {
      return pem(new JcaPKCS8Generator(keys.getPrivate(), null));
    }

    private static String pem(Object o) throws IOException {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        w.writeObject(o);
      }
      return out.toString();
    }
  }
}
