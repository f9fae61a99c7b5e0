package io.remotesecrets.vault;

import io.remotesecrets.config.SecretSpec;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code tls_config} of the connection to Vault: a custom CA ({@code ca}, {@code ca_file},
 * {@code ca_ref} or the map form), {@code insecure_skip_verify}, and {@code server_name}, the
 * name the server certificate is checked against instead of the address's host. The JDK
 * client sends the address's host as SNI whatever {@code server_name} says.
 */
record VaultTls(Optional<SecretSpec> ca, boolean insecureSkipVerify, Optional<String> serverName) {
  static final VaultTls DEFAULT = new VaultTls(Optional.empty(), false, Optional.empty());

  /**
   * The TLS context for {@code caPem} (PEM certificates; null for the JDK's trust store).
   *
   * @throws GeneralSecurityException if the CA does not parse; the message names no content
   */
  SSLContext sslContext(String caPem) throws GeneralSecurityException {
    X509ExtendedTrustManager tm;
    if (insecureSkipVerify) {
      tm = new TrustAll();
    } else {
      KeyStore store = null;
      if (caPem != null) {
        store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
          store.load(null, null);
        } catch (java.io.IOException e) {
          throw new GeneralSecurityException("cannot create a trust store", e);
        }
        Collection<? extends Certificate> certs;
        try {
          certs = CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.UTF_8)));
        } catch (CertificateException e) {
          certs = List.of();
        }
        if (certs.isEmpty()) throw new CertificateException("tls_config.ca holds no valid PEM certificate");
        int i = 0;
        for (Certificate c : certs) store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      X509ExtendedTrustManager delegate = null;
      for (TrustManager t : tmf.getTrustManagers()) {
        if (t instanceof X509ExtendedTrustManager x) delegate = x;
      }
      if (delegate == null) throw new GeneralSecurityException("no X.509 trust manager available");
      tm = serverName.isPresent() ? new ServerNameCheck(delegate, serverName.get()) : delegate;
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {tm}, null);
    return ctx;
  }

  /**
   * Validates the chain with the CA, then checks the leaf against {@code server_name}. Being an
   * extended trust manager, it replaces the JDK's check against the address's host.
   */
  private static final class ServerNameCheck extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final String serverName;

    ServerNameCheck(X509ExtendedTrustManager delegate, String serverName) {
      this.delegate = delegate;
      this.serverName = serverName.toLowerCase(Locale.ROOT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
      if (!matches(chain[0])) {
        throw new CertificateException("the server certificate does not match tls_config.server_name " + serverName);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    private boolean matches(X509Certificate cert) throws CertificateException {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans == null) return false;
      boolean ip = serverName.contains(":") || serverName.matches("[0-9.]+");
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        String value = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
        if (ip && type == 7 && value.equals(serverName)) return true;
        if (!ip && type == 2 && dnsMatches(value)) return true;
      }
      return false;
    }

    private boolean dnsMatches(String pattern) {
      if (pattern.equals(serverName)) return true;
      // RFC 6125: a wildcard stands for exactly one left-most label.
      if (!pattern.startsWith("*.")) return false;
      String rest = pattern.substring(1);
      return serverName.endsWith(rest) && serverName.indexOf('.') == serverName.length() - rest.length();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client certificates are not checked by a client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /** {@code insecure_skip_verify: true}: no chain or name check, as in Prometheus. */
  private static final class TrustAll extends X509ExtendedTrustManager implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
