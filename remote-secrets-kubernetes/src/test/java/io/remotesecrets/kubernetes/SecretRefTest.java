package io.remotesecrets.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretRefTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "myuser-pass            | -   | myuser-pass | -",
      "myuser-pass/password   | -   | myuser-pass | password",
      "a.b-c/tls.crt          | -   | a.b-c       | tls.crt",
      "ns1:pass2/http_password| ns1 | pass2       | http_password",
      "ns1:pass2              | ns1 | pass2       | -",
      "x/_A-z.9               | -   | x           | _A-z.9",
  })
  void parses(String ref, String namespace, String name, String key) {
    SecretRef r = SecretRef.parse(ref);
    assertThat(r).isEqualTo(new SecretRef(namespace, name, key));
    assertThat(r.toString()).isEqualTo(ref);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''             | ref must not be empty; expected <secret name> or <secret name>/<key>",
      "My_Secret      | \"My_Secret\" is not a valid Secret name: a lowercase RFC 1123 subdomain of at most 253 characters must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      "-a             | \"-a\" is not a valid Secret name: a lowercase RFC 1123 subdomain of at most 253 characters must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      "/key           | Secret name must not be empty",
      "a/             | Secret data key must not be empty",
      "a/b c          | \"b c\" is not a valid Secret data key: a key of at most 253 characters must consist of alphanumeric characters, '-', '_' or '.'",
      "a/..x          | \"..x\" is not a valid Secret data key: it must not be '.' or '..' nor start with '..'",
      "a/b/c          | expected <secret name> or <secret name>/<key>, found more than one \"/\"",
      "Ns:a/b         | \"Ns\" is not a valid namespace: a lowercase RFC 1123 label of at most 63 characters must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
      ":a             | namespace must not be empty",
      "a.b:c          | \"a.b\" is not a valid namespace: a lowercase RFC 1123 label of at most 63 characters must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  })
  void rejects(String ref, String message) {
    assertThatThrownBy(() -> SecretRef.parse(ref)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @org.junit.jupiter.api.Test
  void lengthLimits() {
    SecretRef.parse("a".repeat(253) + "/" + "k".repeat(253));
    assertThatThrownBy(() -> SecretRef.parse("a".repeat(254))).hasMessageStartingWith("\"aaaa");
    assertThatThrownBy(() -> SecretRef.parse("a/" + "k".repeat(254))).hasMessageContaining("is not a valid Secret data key");
    assertThatThrownBy(() -> SecretRef.parse("n".repeat(64) + ":a")).hasMessageContaining("is not a valid namespace");
  }
}
