package io.remotesecrets.bench.http;

import com.sun.net.httpserver.HttpServer;
import io.remotesecrets.SecretManager;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.http.HttpClientConfig;
import io.remotesecrets.http.SecretsHttpClient;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-request cost of credential injection: the same GET of a small metrics page from a
 * loopback server, sent by a plain JDK {@link HttpClient} with a fixed {@code Authorization}
 * and tenant header (the same bytes on the wire), and by a {@link SecretsHttpClient} that reads
 * a basic_auth password from the {@code file} provider's cache and a header secret at each
 * request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HttpClientBench {
  private static final byte[] PAGE = "# TYPE up gauge\nup 1\n".repeat(50).getBytes(StandardCharsets.UTF_8);

  private HttpServer server;
  private Path dir;
  private SecretManager manager;
  private SecretsHttpClient secrets;
  private HttpClient plain;
  private HttpRequest request;
  private HttpRequest plainRequest;
  private MethodHandle prepare;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    // Without TCP_NODELAY the server's header and body writes meet delayed ACKs: 40 ms a request.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, PAGE.length);
      ex.getResponseBody().write(PAGE);
      ex.close();
    });
    server.start();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");

    dir = Files.createTempDirectory("http-bench");
    Path pass = dir.resolve("password");
    Files.writeString(pass, "bench-password\n");
    String yaml = "basic_auth: {username: prometheus, password_file: " + pass + "}\n"
        + "http_headers: {X-Scope-OrgID: {secrets: [tenant-1]}}\nenable_http2: false\n";
    ConfigDocument doc = ConfigDocument.parse("bench.yml", null, yaml);
    HttpClientConfig cfg = HttpClientConfig.parse(doc.root().asMap(), new ConfigContext(doc, SecretProviderFactories.load()));
    doc.finish();
    manager = SecretManager.builder().build();
    for (SecretSpec s : cfg.secretSpecs()) manager.reader(s).await(Duration.ofSeconds(10));
    secrets = cfg.newClient(manager);

    prepare = prepareHandle();
    plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    request = HttpRequest.newBuilder(uri).header("Accept", "text/plain").timeout(Duration.ofSeconds(10)).build();
    plainRequest = HttpRequest.newBuilder(uri).header("Accept", "text/plain").timeout(Duration.ofSeconds(10))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            "prometheus:bench-password".getBytes(StandardCharsets.UTF_8)))
        .header("X-Scope-OrgID", "tenant-1")
        .build();
  }

  /**
   * The client's own per-request preparation (reading the secrets, building the request with
   * its headers), called through a method handle: what {@link #secretsClient} adds to
   * {@link #plainJdkClient} apart from the exchange itself.
   */
  private static MethodHandle prepareHandle() throws Exception {
    Class<?> prepared = Class.forName("io.remotesecrets.http.SecretsHttpClient$Prepared");
    Class<?> token = Class.forName("io.remotesecrets.http.OAuth2Tokens$Token");
    MethodHandle h = MethodHandles.privateLookupIn(SecretsHttpClient.class, MethodHandles.lookup())
        .findVirtual(SecretsHttpClient.class, "prepare",
            MethodType.methodType(prepared, HttpRequest.class, URI.class, boolean.class, Map.class, token));
    return h.asType(MethodType.methodType(Object.class, SecretsHttpClient.class, HttpRequest.class, URI.class,
        boolean.class, Map.class, Object.class));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    secrets.close();
    manager.close();
    server.stop(0);
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) Files.delete(p);
    }
    Files.delete(dir);
  }

  @Benchmark
  public int plainJdkClient() throws Exception {
    return plain.send(plainRequest, HttpResponse.BodyHandlers.ofByteArray()).body().length;
  }

  @Benchmark
  public int secretsClient() throws Exception {
    return secrets.send(request, HttpResponse.BodyHandlers.ofByteArray()).body().length;
  }

  @Benchmark
  public Object injectionOnly() throws Throwable {
    return (Object) prepare.invokeExact(secrets, request, request.uri(), true, Map.of(), (Object) null);
  }

  @Benchmark
  public int plainJdkClientAsync() throws Exception {
    return plain.sendAsync(plainRequest, HttpResponse.BodyHandlers.ofByteArray()).get().body().length;
  }

  @Benchmark
  public int secretsClientAsync() throws Exception {
    return secrets.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).get().body().length;
  }
}
