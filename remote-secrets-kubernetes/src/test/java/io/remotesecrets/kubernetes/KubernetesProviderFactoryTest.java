package io.remotesecrets.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.provider.file.FileProviderConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubernetesProviderFactoryTest {

  @Test
  void namedFormWithEverySetting() {
    TestConfig c = TestConfig.parse("""
        global:
          secret_providers:
          - name: kube1
            kubernetes_sp_config:
              namespace: ns1
              api_server: https://k8s.example:6443
              bearer_token_file: /var/run/token
              refresh_interval: 30m
              tls_config:
                ca_file: /etc/k8s/ca.crt
                cert: "-----BEGIN CERTIFICATE-----"
                key_file: /etc/k8s/client.key
                insecure_skip_verify: true
        secrets:
          a: {password_ref: {kube1: myuser-pass}}
          b: {password_ref: {kube1: 'ns2:other/key'}}
        """, Path.of("/etc/prometheus/prometheus.yml"));
    SecretSpec.FromProvider a = c.secret("a");
    assertThat(a.ref()).isEqualTo("myuser-pass");
    assertThat(a.refreshInterval()).hasMinutes(30);
    assertThat(a.provider().name()).isEqualTo("kube1");
    KubernetesProviderConfig k = (KubernetesProviderConfig) a.provider().config();
    assertThat(k.namespace()).isEqualTo("ns1");
    assertThat(k.apiServer()).isEqualTo("https://k8s.example:6443");
    assertThat(k.bearerToken()).isEqualTo(file("/var/run/token"));
    assertThat(k.tls().ca()).isEqualTo(file("/etc/k8s/ca.crt"));
    assertThat(k.tls().key()).isEqualTo(file("/etc/k8s/client.key"));
    assertThat(k.tls().cert()).isInstanceOf(SecretSpec.Inline.class);
    assertThat(k.tls().insecureSkipVerify()).isTrue();
    assertThat(c.secret("b").ref()).isEqualTo("ns2:other/key");
    // Config dumps and toString never show the inline certificate.
    assertThat(k.toString()).doesNotContain("BEGIN CERTIFICATE").contains("<secret>");
    assertThat(c.document.dump()).doesNotContain("BEGIN CERTIFICATE");
  }

  private static SecretSpec file(String path) {
    return new SecretSpec.FromProvider(FileProviderConfig.ABSOLUTE_BINDING, path, SecretSpec.DEFAULT_REFRESH_INTERVAL);
  }

  @Test
  void mapFormPutsTheNamespaceInTheRefSoThatNamespacesShareOneProvider() {
    TestConfig c = TestConfig.parse("""
        secrets:
          a: {password: {kubernetes: {namespace: ns1, name: pass2, key: http_password, refresh_interval: 5m}}}
          b: {password: {kubernetes: {namespace: ns2, name: other}}}
          c: {password: {kubernetes: {name: local, key: k}}}
          d: {password: {kubernetes: 'ns3:short/k'}}
          e: {password: {kubernetes: {namespace: ns1, name: far, api_server: 'https://other.example'}}}
        """);
    assertThat(c.secret("a").ref()).isEqualTo("ns1:pass2/http_password");
    assertThat(c.secret("a").refreshInterval()).hasMinutes(5);
    assertThat(c.secret("b").ref()).isEqualTo("ns2:other");
    assertThat(c.secret("c").ref()).isEqualTo("local/k");
    assertThat(c.secret("d").ref()).isEqualTo("ns3:short/k");
    assertThat(c.secret("a").provider()).isEqualTo(c.secret("b").provider())
        .isEqualTo(c.secret("c").provider()).isEqualTo(c.secret("d").provider());
    assertThat(c.secret("a").provider().config()).isEqualTo(KubernetesProviderConfig.IN_CLUSTER);
    assertThat(c.secret("e").provider()).isNotEqualTo(c.secret("a").provider());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "kubernetes_sp_config: {namespace: NS_1}"
          + "| test.yml:4:39: global.secret_providers[0].kubernetes_sp_config.namespace: \"NS_1\" is not a valid namespace: a lowercase RFC 1123 label of at most 63 characters must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
      "kubernetes_sp_config: {api_server: 'https://a', kubeconfig_file: k.yml}"
          + "| test.yml:4:27: global.secret_providers[0].kubernetes_sp_config: cannot use 'kubeconfig_file' and 'api_server' simultaneously",
      "kubernetes_sp_config: {kubeconfig_file: k.yml, bearer_token: t}"
          + "| test.yml:4:27: global.secret_providers[0].kubernetes_sp_config: cannot use a custom HTTP client configuration together with 'kubeconfig_file'",
      "kubernetes_sp_config: {tls_config: {insecure_skip_verify: true}}"
          + "| test.yml:4:27: global.secret_providers[0].kubernetes_sp_config: to use custom HTTP client configuration please provide the 'api_server' URL explicitly",
      "kubernetes_sp_config: {api_server: 'ftp://a'}"
          + "| test.yml:4:40: global.secret_providers[0].kubernetes_sp_config.api_server: invalid api_server URL \"ftp://a\": scheme must be http or https",
      "kubernetes_sp_config: {api_server: 'ftp://u:canary@a'}"
          + "| test.yml:4:40: global.secret_providers[0].kubernetes_sp_config.api_server: invalid api_server URL \"ftp://u:xxxxx@a\": scheme must be http or https",
      "kubernetes_sp_config: {api_server: 'https://u:pw@a'}"
          + "| test.yml:4:40: global.secret_providers[0].kubernetes_sp_config.api_server: invalid api_server URL: user info is not allowed; use bearer_token or tls_config",
      "kubernetes_sp_config: {api_server: 'https://a', tls_config: {server_name: x}}"
          + "| test.yml:4:79: global.secret_providers[0].kubernetes_sp_config.tls_config.server_name: server_name is not supported by the kubernetes secret provider's client",
      "kubernetes_sp_config: {api_server: 'https://a', tls_config: {cert_file: c.pem}}"
          + "| test.yml:4:65: global.secret_providers[0].kubernetes_sp_config.tls_config: exactly one of key or key_file must be configured when a client certificate is configured",
      "kubernetes_sp_config: {api_server: 'https://a', bearer_token: t, bearer_token_file: f}"
          + "| test.yml:4:27: global.secret_providers[0].kubernetes_sp_config: at most one of bearer_token, bearer_token_file & bearer_token_ref must be configured",
      "kubernetes_sp_config: {namspace: ns1}"
          + "| test.yml:4:28: global.secret_providers[0].kubernetes_sp_config.namspace: unknown field \"namspace\"",
  })
  void rejectsBadProviderConfig(String provider, String message) {
    String yaml = "global:\n  secret_providers:\n  - name: kube1\n    " + provider + "\n";
    assertThatThrownBy(() -> TestConfig.parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{password_ref: {kube1: My_Secret/k}}"
          + "| test.yml:6:29: secrets.s.password_ref.kube1: invalid ref \"My_Secret/k\" for secret provider kube1 (kubernetes): \"My_Secret\" is not a valid Secret name: a lowercase RFC 1123 subdomain of at most 253 characters must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      "{password_ref: {kube1: 'a/b c'}}"
          + "| test.yml:6:29: secrets.s.password_ref.kube1: invalid ref \"a/b c\" for secret provider kube1 (kubernetes): \"b c\" is not a valid Secret data key: a key of at most 253 characters must consist of alphanumeric characters, '-', '_' or '.'",
      "{password: {kubernetes: {namespace: ns1, key: k}}}"
          + "| test.yml:6:30: secrets.s.password.kubernetes: missing required field \"name\"",
      "{password: {kubernetes: {name: pass2, key: 'a b'}}}"
          + "| test.yml:6:49: secrets.s.password.kubernetes.key: \"a b\" is not a valid Secret data key: a key of at most 253 characters must consist of alphanumeric characters, '-', '_' or '.'",
      "{password: {kubernetes: {name: pass2, nmae: x}}}"
          + "| test.yml:6:44: secrets.s.password.kubernetes.nmae: unknown field \"nmae\"",
  })
  void rejectsBadRefs(String secret, String message) {
    String yaml = "global:\n  secret_providers:\n  - name: kube1\n    kubernetes_sp_config: {namespace: ns1}\nsecrets:\n  s: "
        + secret + "\n";
    assertThatThrownBy(() -> TestConfig.parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
  }
}
