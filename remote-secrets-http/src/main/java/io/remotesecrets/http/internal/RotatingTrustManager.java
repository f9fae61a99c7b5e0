package io.remotesecrets.http.internal;

import io.remotesecrets.Secret;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretUnavailableException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies servers against the CA secret as it is at each handshake (or the platform trust
 * store when no CA is configured), as Go's {@code tls.Config} does with prometheus/common's
 * settings: {@code insecure_skip_verify} skips every check; {@code server_name} replaces the
 * URL host in the hostname check. Hostnames are matched against subject alternative names only,
 * as Go does (no common-name fallback). Thread-safe.
 */
public final class RotatingTrustManager extends X509ExtendedTrustManager {
  private final SecretReader ca;
  private final String serverName;
  private final boolean insecure;
  private volatile Trust last;
  private volatile X509ExtendedTrustManager platform;

  private record Trust(Secret ca, X509ExtendedTrustManager tm) {}

  /** {@code ca} and {@code serverName} may be null. */
  public RotatingTrustManager(SecretReader ca, String serverName, boolean insecure) {
    this.ca = ca;
    this.serverName = serverName;
    this.insecure = insecure;
  }

  /**
   * The trust manager for the current CA, built if the CA changed.
   *
   * @throws SecretUnavailableException if the CA secret has no value yet
   * @throws GeneralSecurityException if the CA is not usable PEM; the message names its source
   */
  public X509ExtendedTrustManager delegate() throws SecretUnavailableException, GeneralSecurityException {
    if (ca == null) {
      X509ExtendedTrustManager p = platform;
      if (p == null) platform = p = build(null);
      return p;
    }
    Secret s = ca.current();
    Trust t = last;
    if (t != null && (t.ca == s || t.ca.equals(s))) return t.tm;
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      ks.load(null, null);
      int i = 0;
      for (X509Certificate c : Pem.certificates(s.reveal())) ks.setCertificateEntry("ca-" + i++, c);
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new GeneralSecurityException("unable to use specified CA cert " + ca.description() + ": " + e.getMessage(), e);
    }
    X509ExtendedTrustManager tm = build(ks);
    last = new Trust(s, tm);
    return tm;
  }

  private static X509ExtendedTrustManager build(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(ks);
    for (TrustManager tm : f.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) return x;
    }
    throw new GeneralSecurityException("no X509 trust manager available");
  }

  private X509ExtendedTrustManager delegateForHandshake() throws CertificateException {
    try {
      return delegate();
    } catch (SecretUnavailableException | GeneralSecurityException e) {
      throw new CertificateException(e.getMessage(), e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    if (insecure) return;
    X509ExtendedTrustManager d = delegateForHandshake();
    if (serverName == null) {
      d.checkServerTrusted(chain, authType, engine);
    } else {
      d.checkServerTrusted(chain, authType);
      verifyHostname(chain[0], serverName);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    if (insecure) return;
    X509ExtendedTrustManager d = delegateForHandshake();
    if (serverName == null) {
      d.checkServerTrusted(chain, authType, socket);
    } else {
      d.checkServerTrusted(chain, authType);
      verifyHostname(chain[0], serverName);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (insecure) return;
    delegateForHandshake().checkServerTrusted(chain, authType);
    if (serverName != null) verifyHostname(chain[0], serverName);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("a client trust manager does not verify clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("a client trust manager does not verify clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a client trust manager does not verify clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    try {
      return delegate().getAcceptedIssuers();
    } catch (SecretUnavailableException | GeneralSecurityException e) {
      return new X509Certificate[0];
    }
  }

  /** RFC 6125 matching on subject alternative names, with a left-most-label wildcard. */
  static void verifyHostname(X509Certificate leaf, String name) throws CertificateException {
    String host = name.toLowerCase(Locale.ROOT);
    boolean ip = host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    Collection<List<?>> sans;
    try {
      sans = leaf.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new CertificateException("cannot read subject alternative names", e);
    }
    if (sans != null) {
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        String value = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
        if (ip && type == 7 && sameAddress(host, value)) return;
        if (!ip && type == 2 && dnsMatches(value, host)) return;
      }
    }
    throw new CertificateException("x509: certificate is not valid for " + name);
  }

  private static boolean sameAddress(String a, String b) {
    try {
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static boolean dnsMatches(String pattern, String host) {
    if (pattern.endsWith(".")) pattern = pattern.substring(0, pattern.length() - 1);
    if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
    if (pattern.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }
    return pattern.equals(host);
  }
}
