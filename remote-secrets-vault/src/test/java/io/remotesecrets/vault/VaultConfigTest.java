package io.remotesecrets.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.config.ConfigException;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VaultConfigTest {
  final Harness h = new Harness();

  @AfterEach
  void tearDown() {
    h.close();
  }

  static String named(String body) {
    return "global:\n  secret_providers:\n  - name: vault\n    vault_sp_config:\n" + body.indent(6)
        + "secrets:\n  p_ref: {vault: 'app#password'}\n";
  }

  @Test
  void theServiceLoaderFindsTheVaultType() {
    assertThat(SecretProviderFactories.load().get("vault")).get().isInstanceOf(VaultProviderFactory.class);
  }

  @Test
  void namedFormWithEveryField() {
    SecretSpec.FromProvider spec = (SecretSpec.FromProvider) h.parse(named("""
        address: https://vault.example:8200/
        namespace: /team-a/
        mount: kv/prod
        kv_version: 1
        auth: {approle: {role_id: r, secret_id_file: /run/secret-id, mount: ar}}
        tls_config: {ca_file: /etc/vault/ca.pem, server_name: vault.internal, insecure_skip_verify: false}
        refresh_interval: 5m
        """)).get("p");
    VaultConfig c = (VaultConfig) spec.provider().config();
    assertThat(c.address()).isEqualTo(URI.create("https://vault.example:8200"));
    assertThat(c.namespace()).contains("team-a");
    assertThat(c.mount()).isEqualTo("kv/prod");
    assertThat(c.kvVersion()).isEqualTo(1);
    assertThat(c.auth().description()).isEqualTo("approle (mount ar)");
    assertThat(c.tls().serverName()).contains("vault.internal");
    assertThat(spec.refreshInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.apiPath("app")).isEqualTo("kv/prod/app");
  }

  @Test
  void addressDefaultsToVaultAddr() {
    h.env.put("VAULT_ADDR", "http://127.0.0.1:8200");
    SecretSpec.FromProvider spec = (SecretSpec.FromProvider) h.parse(named("{}")).get("p");
    VaultConfig c = (VaultConfig) spec.provider().config();
    assertThat(c.address()).isEqualTo(URI.create("http://127.0.0.1:8200"));
    assertThat(c.kvVersion()).isEqualTo(2);
    assertThat(c.mount()).isEqualTo("secret");
    assertThat(c.apiPath("app")).isEqualTo("secret/data/app");
    assertThat(c.apiPath("data/app")).as("an API path is accepted too").isEqualTo("secret/data/app");
    assertThat(c.auth()).isEqualTo(new VaultAuth.Token(Optional.empty()));
  }

  @Test
  void proposal0047ExampleLoadsAsWritten() {
    String yaml = """
        scrape_configs:
          - job_name: 'example_job'
            basic_auth:
              username: 'user'
              password:
                vault:
                  address: "https://vault.example.com"
                  path: "secret/data/prometheus/example_job"
                  key: "password"
                  refresh_interval: 30m # Override default for this secret
        """;
    SecretSpec.FromProvider spec = (SecretSpec.FromProvider) Proposal0047Test.parseScrapePassword(h, yaml);
    VaultConfig c = (VaultConfig) spec.provider().config();
    assertThat(spec.refreshInterval()).isEqualTo(Duration.ofMinutes(30));
    assertThat(spec.provider().name()).isEqualTo("vault");
    assertThat(c.address()).isEqualTo(URI.create("https://vault.example.com"));
    assertThat(c.mount()).isEqualTo("secret");
    assertThat(spec.ref()).isEqualTo("data/prometheus/example_job#password");
    assertThat(c.apiPath("data/prometheus/example_job")).isEqualTo("secret/data/prometheus/example_job");
  }

  @Test
  void mapFormSecretsOfOneVaultShareOneProvider() {
    Map<String, SecretSpec> specs = h.parse("""
        secrets:
          a: {vault: {address: "http://127.0.0.1:8200", path: secret/data/app, key: user}}
          b: {vault: {address: "http://127.0.0.1:8200", path: secret/app, key: password}}
        """);
    SecretSpec.FromProvider a = (SecretSpec.FromProvider) specs.get("a");
    SecretSpec.FromProvider b = (SecretSpec.FromProvider) specs.get("b");
    assertThat(a.provider()).isEqualTo(b.provider());
    assertThat(a.ref()).isEqualTo("data/app#user");
    assertThat(b.ref()).isEqualTo("app#password");
  }

  @Test
  void configToStringShowsNoSecret() {
    SecretSpec.FromProvider spec = (SecretSpec.FromProvider) h.parse(named("""
        address: http://127.0.0.1:8200
        auth: {approle: {role_id: canary-role-7731, secret_id: canary-secret-7731}}
        """)).get("p");
    assertThat(spec.toString()).doesNotContain("canary");
    assertThat(spec.provider().config().toString()).doesNotContain("canary").contains("<secret>");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no address           | {}                                                       | prometheus.yml:5:7: global.secret_providers[0].vault_sp_config: missing required field "address" (VAULT_ADDR is not set either)
      bad scheme           | {address: 'ftp://v:1'}                                   | prometheus.yml:5:17: global.secret_providers[0].vault_sp_config.address: address must be an http or https URL with a host, like https://vault.example:8200; got "ftp://v:1"
      bad scheme, password | {address: 'ftp://u:canary@v:1'}                          | prometheus.yml:5:17: global.secret_providers[0].vault_sp_config.address: address must be an http or https URL with a host, like https://vault.example:8200; got "ftp://u:xxxxx@v:1"
      user info            | {address: 'https://u:p@v:1'}                             | prometheus.yml:5:17: global.secret_providers[0].vault_sp_config.address: address must not have user info, a query or a fragment
      kv_version 3         | {address: 'http://v:1', kv_version: 3}                   | prometheus.yml:5:43: global.secret_providers[0].vault_sp_config.kv_version: kv_version must be 1 or 2, got 3
      two auth methods     | {address: 'http://v:1', auth: {token: t, approle: {}}}   | prometheus.yml:5:37: global.secret_providers[0].vault_sp_config.auth: at most one auth method must be configured, found token, approle
      token and file       | {address: 'http://v:1', auth: {token: t, token_file: f}} | prometheus.yml:5:37: global.secret_providers[0].vault_sp_config.auth: at most one of auth token, token_file & token_ref must be configured
      approle no secret_id | {address: 'http://v:1', auth: {approle: {role_id: r}}}   | prometheus.yml:5:47: global.secret_providers[0].vault_sp_config.auth.approle: missing required field "secret_id" (or secret_id_file, secret_id_ref)
      kubernetes no role   | {address: 'http://v:1', auth: {kubernetes: {}}}          | prometheus.yml:5:50: global.secret_providers[0].vault_sp_config.auth.kubernetes: missing required field "role"
      tls on http          | {address: 'http://v:1', tls_config: {}}                  | prometheus.yml:5:43: global.secret_providers[0].vault_sp_config.tls_config: tls_config is set but address http://v:1 is not https
      unknown field        | {address: 'http://v:1', engine: kv}                      | prometheus.yml:5:31: global.secret_providers[0].vault_sp_config.engine: unknown field "engine"
      bad mount            | {address: 'http://v:1', mount: 'a//b'}                   | prometheus.yml:5:38: global.secret_providers[0].vault_sp_config.mount: the mount must not have empty, "." or ".." segments
      """)
  void namedFormErrors(String name, String body, String error) {
    String yaml = "global:\n  secret_providers:\n  - name: vault\n    vault_sp_config:\n" + body.indent(6);
    assertThatThrownBy(() -> h.parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(error);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      empty field   | 'app#'        | prometheus.yml:7:18: secrets.p_ref.vault: invalid ref "app#" for secret provider vault: the field after "#" is empty; use <path>#<field>, or <path> alone for a secret with one field
      empty path    | '#password'   | prometheus.yml:7:18: secrets.p_ref.vault: invalid ref "#password" for secret provider vault: the path is empty
      dot dot       | 'a/../b#c'    | prometheus.yml:7:18: secrets.p_ref.vault: invalid ref "a/../b#c" for secret provider vault: the path must not have empty, "." or ".." segments
      """)
  void badRefs(String name, String ref, String error) {
    String yaml = named("address: http://v:1").replace("'app#password'", "'" + ref + "'");
    assertThatThrownBy(() -> h.parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(error);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no path           | {address: 'http://v:1', key: k}                      | prometheus.yml:2:14: secrets.p.vault: missing required field "path"
      no mount in path  | {address: 'http://v:1', path: app, key: k}           | prometheus.yml:2:44: secrets.p.vault.path: path must start with the mount of the KV engine, like secret/data/app (or set mount)
      hash in path      | {address: 'http://v:1', path: 'secret/a#b'}          | prometheus.yml:2:44: secrets.p.vault.path: path must not contain "#"; name the field with key
      scalar            | vault-please                                         | prometheus.yml:2:14: secrets.p.vault: the vault secret provider needs a mapping like {address: https://vault.example:8200, path: secret/data/app, key: password}
      unknown key       | {address: 'http://v:1', path: secret/a, field: k}    | prometheus.yml:2:54: secrets.p.vault.field: unknown field "field"
      bad path          | {address: 'http://v:1', path: 'secret//a', key: k}   | prometheus.yml:2:44: secrets.p.vault.path: the path must not have empty, "." or ".." segments
      bad namespace     | {address: 'http://v:1', path: secret/a, namespace: '..'} | prometheus.yml:2:65: secrets.p.vault.namespace: the namespace must not have empty, "." or ".." segments
      """)
  void mapFormErrors(String name, String params, String error) {
    String yaml = "secrets:\n  p: {vault: " + params + "}\n";
    assertThatThrownBy(() -> h.parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(error);
  }
}
