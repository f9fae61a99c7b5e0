package io.remotesecrets.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A real Debian {@code prometheus-node-exporter} (1.5) on 127.0.0.1, configured by a web config
 * file (exporter-toolkit's format: {@code tls_server_config}, {@code basic_auth_users}), which
 * it re-reads on every request. Only the {@code time} collector runs, so it starts fast.
 */
final class NodeExporter implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus-node-exporter");

  final int port;
  private final Process process;
  private final Path log;

  private NodeExporter(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts it and waits (at most 15 s) until it accepts connections. */
  static NodeExporter start(Path webConfig, Path dir) throws Exception {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError("node_exporter is missing: " + BINARY + " does not exist or is not executable;"
          + " install the Debian package: apt-get install -y prometheus-node-exporter");
    }
    int port = freePort();
    Path log = Files.createTempFile(dir, "node_exporter", ".log");
    Process p = new ProcessBuilder(BINARY.toString(), "--web.listen-address=127.0.0.1:" + port,
        "--web.config.file=" + webConfig, "--collector.disable-defaults", "--collector.time")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      if (!p.isAlive()) {
        throw new AssertionError("node_exporter exited with " + p.exitValue() + ": " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new NodeExporter(port, p, log);
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new AssertionError("node_exporter did not listen on port " + port + " within 15 s: " + Files.readString(log));
        }
        Thread.sleep(50);
      }
    }
  }

  String url() {
    return "https://127.0.0.1:" + port + "/metrics";
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  /** A bcrypt hash (computed in Java with Bouncy Castle's OpenBSDBCrypt, version 2y) for basic_auth_users. */
  static String bcrypt(String password) {
    byte[] salt = new byte[16];
    new java.security.SecureRandom().nextBytes(salt);
    return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 5);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
