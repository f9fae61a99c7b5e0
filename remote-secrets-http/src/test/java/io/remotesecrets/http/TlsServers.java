package io.remotesecrets.http;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JDK {@link HttpsServer} on 127.0.0.1 that records, per request, the client certificate the
 * TLS session was set up with (null when none was presented).
 */
final class TlsServers implements AutoCloseable {
  final HttpsServer server;
  final List<X509Certificate> presented = new CopyOnWriteArrayList<>();
  final List<SSLSession> sessions = new CopyOnWriteArrayList<>();
  final List<com.sun.net.httpserver.Headers> requestHeaders = new CopyOnWriteArrayList<>();

  TlsServers(TestPki.Issued serverCert, TestPki.Issued clientCa) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", serverCert.keys().getPrivate(), new char[0], new Certificate[] {serverCert.cert()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    javax.net.ssl.TrustManager[] tms = null;
    if (clientCa != null) {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("ca", clientCa.cert());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      tms = tmf.getTrustManagers();
    }
    ctx.init(kmf.getKeyManagers(), tms, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    boolean needClientAuth = clientCa != null;
    server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
      @Override
      public void configure(HttpsParameters params) {
        var p = ctx.getDefaultSSLParameters();
        p.setNeedClientAuth(needClientAuth);
        params.setSSLParameters(p);
      }
    });
    server.createContext("/", ex -> {
      SSLSession s = ((HttpsExchange) ex).getSSLSession();
      sessions.add(s);
      requestHeaders.add(ex.getRequestHeaders());
      X509Certificate peer = null;
      try {
        peer = (X509Certificate) s.getPeerCertificates()[0];
      } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
        // No client certificate.
      }
      presented.add(peer);
      byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
  }

  String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
