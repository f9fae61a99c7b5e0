package io.remotesecrets.http.internal;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM reading for TLS material: certificates (chains in order, leaf first) and private keys in
 * PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE
 * KEY}) form, like Go's {@code tls.X509KeyPair}. Messages never include key material.
 */
public final class Pem {
  private Pem() {}

  /** Every certificate in {@code pem}, in order; fails when there is none. */
  public static List<X509Certificate> certificates(String pem) throws CertificateException {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof X509CertificateHolder h) out.add(converter.getCertificate(h));
      }
    } catch (IOException e) {
      throw new CertificateException("invalid PEM: " + e.getClass().getSimpleName());
    }
    if (out.isEmpty()) throw new CertificateException("no PEM CERTIFICATE block found");
    return out;
  }

  /** The first private key in {@code pem}. */
  public static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof PEMKeyPair kp) return converter.getPrivateKey(kp.getPrivateKeyInfo());
        if (o instanceof PrivateKeyInfo pki) return converter.getPrivateKey(pki);
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new GeneralSecurityException("encrypted private keys are not supported");
        }
      }
    } catch (IOException e) {
      // Messages of conversion failures describe the structure, never the bytes; parse
      // failures of malformed text are named by type only, since they could quote the input.
      String why = e instanceof org.bouncycastle.openssl.PEMException && e.getCause() != null
          ? e.getMessage() : e.getClass().getSimpleName();
      throw new GeneralSecurityException("invalid PEM private key: " + why);
    }
    throw new GeneralSecurityException("no PEM PRIVATE KEY block found");
  }

  /** Fails unless {@code key} is the private half of {@code leaf}'s public key. */
  public static void checkPair(X509Certificate leaf, PrivateKey key) throws GeneralSecurityException {
    String alg = key.getAlgorithm();
    String sigAlg = switch (alg) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new GeneralSecurityException("unsupported private key type " + alg);
    };
    if (!leaf.getPublicKey().getAlgorithm().equals(alg) && !(key instanceof ECKey && leaf.getPublicKey() instanceof ECKey)) {
      throw new GeneralSecurityException("private key type does not match public key type");
    }
    byte[] probe = "remote-secrets key pair check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance(sigAlg);
    s.initSign(key);
    s.update(probe);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(sigAlg);
    v.initVerify(leaf.getPublicKey());
    v.update(probe);
    if (!v.verify(sig)) throw new GeneralSecurityException("private key does not match public key");
  }
}
