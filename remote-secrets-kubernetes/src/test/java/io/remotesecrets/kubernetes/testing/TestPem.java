package io.remotesecrets.kubernetes.testing;

/**
 * A self-signed EC client certificate and its PKCS#8 key (CN=remote-secrets-test-client, valid
 * until 2126), made with openssl for tests only: the seed example's {@code tls_config} reads them
 * from a Secret.
 */
public final class TestPem {
  private TestPem() {}

  public static final String CERT = "-----BEGIN CERTIFICATE-----" + "\n"
      + "MIIBoTCCAUegAwIBAgIUPTRNgbxaICivLGBGQ9OmYu8fPN0wCgYIKoZIzj0EAwIw" + "\n"
      + "JTEjMCEGA1UEAwwacmVtb3RlLXNlY3JldHMtdGVzdC1jbGllbnQwIBcNMjYxMjA0" + "\n"
      + "MTYwNzE2WhgPMjEyNjExMTAxNjA3MTZaMCUxIzAhBgNVBAMMGnJlbW90ZS1zZWNy" + "\n"
      + "ZXRzLXRlc3QtY2xpZW50MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJ8JtRnjp" + "\n"
      + "+zM1hcYdVJwTosfxsY2iKuZGpCzKqJzJUjFhZv3xSof5h5TAKFwbV1OwfPQ4bTo6" + "\n"
      + "JDmKrHXB5zP7KKNTMFEwHQYDVR0OBBYEFDLN/6BdDJ1cOkJcTcP68XUcJDVbMB8G" + "\n"
      + "A1UdIwQYMBaAFDLN/6BdDJ1cOkJcTcP68XUcJDVbMA8GA1UdEwEB/wQFMAMBAf8w" + "\n"
      + "CgYIKoZIzj0EAwIDSAAwRQIhAKU4VHsPJLTWeZpH47GwFtZnS1yJYXmMZPj+4TYJ" + "\n"
      + "5BGLAiBNR7QyD+kkwCGaZN6bU0B7iNOikO267CkYGfNbbC1DkA==" + "\n"
      + "-----END CERTIFICATE-----" + "\n";

  public static final String KEY = "-----BEGIN PRIVATE KEY-----" + "\n"
      + "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgpA2zdPnACWwXWLf4" + "\n"
      + "k54BQ31Q6pQaVgdJMaDKHaZWK2ehRANCAAQnwm1GeOn7MzWFxh1UnBOix/GxjaIq" + "\n"
      + "5kakLMqonMlSMWFm/fFKh/mHlMAoXBtXU7B89DhtOjokOYqsdcHnM/so" + "\n"
      + "-----END PRIVATE KEY-----" + "\n";
}
