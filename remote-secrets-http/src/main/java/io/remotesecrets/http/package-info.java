/**
 * An HTTP client whose credentials come from secret providers: Prometheus's {@code http_config}
 * (prometheus/common) on the JDK's {@link java.net.http.HttpClient}.
 *
 * <pre>{@code
 * HttpClientConfig http = HttpClientConfig.parse(scrapeConfigMap, ctx);   // validates, records errors
 * try (SecretsHttpClient client = http.newClient(secretManager)) {
 *   HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
 * }
 * }</pre>
 *
 * <p>{@link io.remotesecrets.http.HttpClientConfig} is the parsed, validated configuration (value
 * equality, redacted {@code toString}); {@link io.remotesecrets.http.SecretsHttpClient} is the
 * client, which reads every credential at each request and every piece of TLS material at each
 * handshake. {@link io.remotesecrets.http.CredentialsRejectedException} reports credentials that
 * a server refused even after a refresh. Implementation classes are package-private or in
 * {@code io.remotesecrets.http.internal}, which is not API.
 */
package io.remotesecrets.http;
