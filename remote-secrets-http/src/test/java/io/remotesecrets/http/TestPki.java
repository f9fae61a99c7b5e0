package io.remotesecrets.http;

import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates generated at test time with Bouncy Castle: a CA, servers on 127.0.0.1, clients. */
final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();

  record Issued(X509Certificate cert, KeyPair keys) {
    String certPem() {
      return pem(cert);
    }

    /** {@code PRIVATE KEY} (PKCS#8). */
    String pkcs8KeyPem() {
      try {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
          w.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
        }
        return out.toString();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** {@code RSA PRIVATE KEY} (PKCS#1) or {@code EC PRIVATE KEY} (SEC1), OpenSSL's traditional forms. */
    String traditionalKeyPem() {
      if (!keys.getPrivate().getAlgorithm().equals("EC")) return pem(keys.getPrivate());
      // The JDK keeps the curve in PKCS#8's algorithm identifier only; SEC1 as OpenSSL writes
      // it carries the curve and the public key inside the structure.
      try {
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        var pub = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), pub.getPublicKeyData(),
            info.getPrivateKeyAlgorithm().getParameters());
        return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private TestPki() {}

  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static Issued ca(String cn) throws Exception {
    KeyPair kp = ec();
    X500Name name = new X500Name("CN=" + cn);
    JcaX509v3CertificateBuilder b = builder(name, name, kp.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    return new Issued(sign(b, kp.getPrivate()), kp);
  }

  /** A server certificate for 127.0.0.1 and localhost. */
  static Issued server(Issued ca, KeyPair kp) throws Exception {
    JcaX509v3CertificateBuilder b = builder(issuerName(ca), new X500Name("CN=127.0.0.1"), kp.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    return new Issued(sign(b, ca.keys().getPrivate()), kp);
  }

  /** A server certificate for a DNS name only (server_name tests). */
  static Issued serverFor(Issued ca, KeyPair kp, String dns) throws Exception {
    JcaX509v3CertificateBuilder b = builder(issuerName(ca), new X500Name("CN=" + dns), kp.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
    return new Issued(sign(b, ca.keys().getPrivate()), kp);
  }

  static Issued client(Issued ca, String cn, KeyPair kp) throws Exception {
    JcaX509v3CertificateBuilder b = builder(issuerName(ca), new X500Name("CN=" + cn), kp.getPublic());
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    return new Issued(sign(b, ca.keys().getPrivate()), kp);
  }

  private static X500Name issuerName(Issued ca) {
    return new X500Name(ca.cert().getSubjectX500Principal().getName());
  }

  private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, java.security.PublicKey key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, key);
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey signer) throws Exception {
    String alg = signer.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
  }

  static String pem(Object o) {
    try {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        w.writeObject(o);
      }
      return out.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static InetAddress loopback() throws Exception {
    return InetAddress.getByName("127.0.0.1");
  }
}
