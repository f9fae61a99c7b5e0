package io.remotesecrets.http.internal;

import io.remotesecrets.Secret;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretUnavailableException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client key manager that reads the certificate and key secrets at each handshake, so a
 * rotated certificate is presented by the next new connection without rebuilding anything.
 *
 * <p>The JSSE asks for an alias first and for the chain and key later; a rotation between the
 * two calls must not pair the old certificate with the new key, so each parsed pair gets its own
 * alias and the later calls look the pair up by alias. Parsing happens once per distinct pair.
 * Thread-safe.
 */
public final class RotatingKeyManager extends X509ExtendedKeyManager {
  private static final Logger log = LoggerFactory.getLogger(RotatingKeyManager.class);
  private static final int KEEP = 4;

  private final SecretReader cert;
  private final SecretReader key;
  private final AtomicLong generation = new AtomicLong();
  private final Map<String, Material> byAlias = new ConcurrentHashMap<>();
  private volatile Material last;

  /** One parsed certificate chain and key, and the secrets they came from. */
  public record Material(Secret certSecret, Secret keySecret, String alias, X509Certificate[] chain, PrivateKey key) {}

  public RotatingKeyManager(SecretReader cert, SecretReader key) {
    this.cert = cert;
    this.key = key;
  }

  /**
   * The current pair, parsed if it changed since the last call.
   *
   * @throws SecretUnavailableException if either secret has no value yet
   * @throws GeneralSecurityException if the PEM is unusable; the message names both sources
   */
  public Material current() throws SecretUnavailableException, GeneralSecurityException {
    Secret c = cert.current();
    Secret k = key.current();
    Material m = last;
    if (m != null && (m.certSecret == c || m.certSecret.equals(c)) && (m.keySecret == k || m.keySecret.equals(k))) {
      return m;
    }
    synchronized (this) {
      m = last;
      if (m != null && m.certSecret.equals(c) && m.keySecret.equals(k)) return m;
      X509Certificate[] chain;
      PrivateKey pk;
      try {
        List<X509Certificate> certs = Pem.certificates(c.reveal());
        pk = Pem.privateKey(k.reveal());
        Pem.checkPair(certs.get(0), pk);
        chain = certs.toArray(new X509Certificate[0]);
      } catch (GeneralSecurityException e) {
        throw new GeneralSecurityException("unable to use specified client cert (" + cert.description() + ") & key ("
            + key.description() + "): " + e.getMessage(), e);
      }
      Material fresh = new Material(c, k, "remote-secrets-" + generation.incrementAndGet(), chain, pk);
      byAlias.put(fresh.alias, fresh);
      byAlias.keySet().removeIf(a -> Long.parseLong(a.substring("remote-secrets-".length())) <= generation.get() - KEEP);
      if (m != null) log.info("client certificate changed: cert={} key={}", cert.description(), key.description());
      last = fresh;
      return fresh;
    }
  }

  private String alias() {
    try {
      return current().alias();
    } catch (SecretUnavailableException | GeneralSecurityException e) {
      // The request path checks the same before connecting; reaching here means the secret
      // broke in between. Without a certificate the server refuses the handshake.
      log.warn("no client certificate for TLS handshake: {}", e.getMessage());
      return null;
    }
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return alias();
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return alias();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String a = alias();
    return a == null ? null : new String[] {a};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Material m = alias == null ? null : byAlias.get(alias);
    return m == null ? null : m.chain.clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Material m = alias == null ? null : byAlias.get(alias);
    return m == null ? null : m.key;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
