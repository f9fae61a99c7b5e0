package io.remotesecrets.kubernetes.testing;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Kubernetes API server double for tests: fabric8's {@code kubernetes-server-mock} 7.5.2 in
 * CRUD mode, serving the core/v1 Secret API (GET, LIST with field selectors, WATCH over
 * WebSocket, PUT, DELETE) over plain HTTP on 127.0.0.1. Expectations ({@link #server()}
 * {@code .expect()}) take precedence over the CRUD store, for error responses such as 403.
 *
 * <p>Use as a JUnit 5 extension ({@code @RegisterExtension}), or {@link #start()} and
 * {@link #close()} it yourself. {@link #withSeedSecrets()} fills it with the Secrets that
 * {@code examples/kubernetes-seed.yml} refers to.
 */
public final class KubernetesApiMock implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
  /** The User-Agent of the provider's requests, to tell them from the test's own. */
  public static final String PROVIDER_USER_AGENT = "remote-secrets-kubernetes";

  private final boolean https;
  private KubernetesMockServer server;
  private KubernetesClient client;
  private final List<RecordedRequest> seen = new ArrayList<>();

  /** Plain HTTP. */
  public KubernetesApiMock() {
    this(false);
  }

  /** With {@code https}, TLS with a self-signed certificate for "localhost" ({@link #certificatePem()}). */
  public KubernetesApiMock(boolean https) {
    this.https = https;
  }

  /** Starts the server; idempotent. */
  public KubernetesApiMock start() {
    if (server != null) return this;
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), https);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    client = server.createClient();
    return this;
  }

  /** The API server URL, for {@code api_server}. */
  public String url() {
    return (https ? "https://localhost:" : "http://127.0.0.1:") + server.getPort();
  }

  /** The server's self-signed certificate (PEM), when started with TLS. */
  public String certificatePem() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of(server.getSelfSignedCertificate().certificatePath()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getPort();
  }

  public KubernetesMockServer server() {
    return server;
  }

  /** A client of the mock for the test's own writes (its requests are not the provider's). */
  public KubernetesClient client() {
    return client;
  }

  /** Creates or replaces a Secret whose data are {@code values} (UTF-8, base64-encoded as the API holds them). */
  public void putSecret(String namespace, String name, Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    Secret s = new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withData(data).build();
    if (client.secrets().inNamespace(namespace).withName(name).get() == null) {
      client.secrets().inNamespace(namespace).resource(s).create();
    } else {
      client.secrets().inNamespace(namespace).resource(s).update();
    }
  }

  public void deleteSecret(String namespace, String name) {
    client.secrets().inNamespace(namespace).withName(name).delete();
  }

  /** The Secrets {@code examples/kubernetes-seed.yml} uses: {@code ns1/myuser-pass}, {@code ns2/header-credentials}, {@code ns2/client-tls}. */
  public KubernetesApiMock withSeedSecrets() {
    start();
    putSecret("ns1", "myuser-pass", Map.of("password", "seed-basic-auth-password"));
    putSecret("ns2", "header-credentials", Map.of("token", "seed-bearer-credentials"));
    putSecret("ns2", "client-tls", Map.of("tls.crt", TestPem.CERT, "tls.key", TestPem.KEY));
    return this;
  }

  /**
   * Points every {@code kubernetes_sp_config} of a configuration text at this server: adds
   * {@code api_server: <url>} to it (block or flow style). Map-form secrets are left alone.
   */
  public String pointAt(String configYaml) {
    StringBuilder out = new StringBuilder();
    for (String line : configYaml.split("\n", -1)) {
      java.util.regex.Matcher block = java.util.regex.Pattern.compile("^(\\s*)kubernetes_sp_config:\\s*$").matcher(line);
      java.util.regex.Matcher flow = java.util.regex.Pattern.compile("^(\\s*kubernetes_sp_config:\\s*\\{)\\s*(\\}?)(.*)$").matcher(line);
      if (block.matches()) {
        out.append(line).append("\n").append(block.group(1)).append("  api_server: '").append(url()).append("'\n");
      } else if (flow.matches()) {
        out.append(flow.group(1)).append("api_server: '").append(url()).append("'")
            .append(flow.group(2).isEmpty() ? ", " : "}").append(flow.group(3)).append("\n");
      } else {
        out.append(line).append("\n");
      }
    }
    return out.substring(0, out.length() - 1);
  }

  /**
   * Every request received since the last call, in order, as {@code "<METHOD> <path>"} with
   * {@code " [provider]"} appended to the provider's own.
   */
  public synchronized List<String> takeRequests() {
    List<String> out = new ArrayList<>();
    try {
      RecordedRequest r;
      while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        seen.add(r);
        out.add(r.getMethod() + " " + r.getPath() + (PROVIDER_USER_AGENT.equals(r.getHeader("User-Agent")) ? " [provider]" : ""));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** Every request taken so far by {@link #takeRequests()}, with headers. */
  public synchronized List<RecordedRequest> recorded() {
    return List.copyOf(seen);
  }

  /** Only the provider's requests since the last {@link #takeRequests()}. */
  public List<String> takeProviderRequests() {
    return takeRequests().stream().filter(r -> r.endsWith(" [provider]")).map(r -> r.substring(0, r.length() - 11)).toList();
  }

  /**
   * Waits (bounded) until a received request matches, collecting requests as it goes; returns
   * every request taken, including the match.
   */
  public List<String> awaitRequest(Predicate<String> match, Duration timeout) {
    List<String> all = new ArrayList<>();
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      List<String> batch = takeRequests();
      all.addAll(batch);
      if (batch.stream().anyMatch(match)) return all;
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("no matching request within " + timeout + "; received " + all);
  }

  /** Waits (bounded) until {@code count} received requests match; returns every request taken. */
  public List<String> awaitRequests(int count, Predicate<String> match, Duration timeout) {
    List<String> all = new ArrayList<>();
    long end = System.nanoTime() + timeout.toNanos();
    while (all.stream().filter(match).count() < count) {
      if (System.nanoTime() > end) {
        throw new AssertionError(count + " matching requests not received within " + timeout + "; received " + all);
      }
      all.addAll(takeRequests());
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return all;
  }

  @Override
  public void close() {
    if (client != null) client.close();
    if (server != null) server.destroy();
    client = null;
    server = null;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }
}
