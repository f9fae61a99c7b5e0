/**
 * The scrape parser: Prometheus text format 0.0.4 and OpenMetrics 1.0 text into samples
 * ({@link io.remotesecrets.agent.textparse.TextParser}), and the content negotiation Prometheus
 * does ({@link io.remotesecrets.agent.textparse.Format}).
 *
 * <pre>{@code
 * HttpRequest req = HttpRequest.newBuilder(target).header("Accept", Format.SCRAPE_ACCEPT_HEADER).build();
 * HttpResponse<byte[]> resp = client.send(req, BodyHandlers.ofByteArray());
 * parser.parse(resp.body(), resp.headers().firstValue("Content-Type").orElse(null),
 *     (series, value, timestampMs) -> ...);
 * }</pre>
 */
package io.remotesecrets.agent.textparse;
