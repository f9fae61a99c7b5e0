package io.remotesecrets.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.Secret;
import io.remotesecrets.config.SecretSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * prometheus/common's {@code HTTPClientConfig.Validate}, {@code TLSConfig.Validate},
 * {@code ProxyConfig.Validate} and {@code Headers.Validate} (config/http_config.go and
 * config/headers.go, the version with {@code *_ref} fields): what they reject, with their
 * messages, prefixed with file, line, column and field path.
 */
class HttpClientConfigValidationTest {

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of("bearer_token: a\nbearer_token_file: /b\n",
            "test.yml:1:1: at most one of bearer_token & bearer_token_file must be configured"),
        Arguments.of("bearer_token: a\nbearer_token_ref: {p: x}\nsecret_providers: [{name: p, env_sp_config: {}}]\n",
            "test.yml:1:1: at most one of bearer_token, bearer_token_file & bearer_token_ref must be configured"),
        Arguments.of("basic_auth: {username: u}\nbearer_token: a\n",
            "test.yml:1:1: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"),
        Arguments.of("oauth2: {client_id: i, token_url: 'http://t'}\nbearer_token_file: /a\n",
            "test.yml:1:1: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"),
        Arguments.of("basic_auth:\n  username: u\n  username_file: /u\n",
            "test.yml:2:3: basic_auth: at most one of basic_auth username, username_file & username_ref must be configured"),
        Arguments.of("basic_auth:\n  username: u\n  password: p\n  password_file: /p\n",
            "test.yml:2:3: basic_auth: at most one of basic_auth password, password_file & password_ref must be configured"),
        Arguments.of("authorization: {credentials: c}\nbearer_token: t\n",
            "test.yml:1:1: authorization is not compatible with bearer_token & bearer_token_file"),
        Arguments.of("authorization:\n  credentials: c\n  credentials_file: /c\n",
            "test.yml:2:3: authorization: at most one of authorization credentials & credentials_file must be configured"),
        Arguments.of("authorization:\n  type: ' Basic '\n  credentials: c\n",
            "test.yml:2:3: authorization: authorization type cannot be set to \"basic\", use \"basic_auth\" instead"),
        Arguments.of("authorization: {credentials: c}\nbasic_auth: {username: u}\n",
            "test.yml:1:1: at most one of basic_auth, oauth2 & authorization must be configured"),
        Arguments.of("authorization: {credentials: c}\noauth2: {client_id: i, token_url: 'http://t'}\n",
            "test.yml:1:1: at most one of basic_auth, oauth2 & authorization must be configured"),
        Arguments.of("basic_auth: {username: u}\noauth2: {client_id: i, token_url: 'http://t'}\n",
            "test.yml:1:1: at most one of basic_auth, oauth2 & authorization must be configured"),
        Arguments.of("oauth2:\n  token_url: http://t\n",
            "test.yml:2:3: oauth2: oauth2 client_id must be configured"),
        Arguments.of("oauth2:\n  client_id: i\n",
            "test.yml:2:3: oauth2: oauth2 token_url must be configured"),
        Arguments.of("oauth2:\n  client_id: i\n  token_url: http://t\n  client_secret: s\n  client_secret_file: /s\n",
            "test.yml:2:3: oauth2: at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured"),
        Arguments.of("oauth2:\n  client_id: i\n  token_url: http://t\n  tls_config:\n    cert: c\n",
            "test.yml:5:5: oauth2.tls_config: exactly one of key or key_file must be configured when a client certificate is configured"),
        Arguments.of("oauth2:\n  client_id: i\n  token_url: http://t\n  no_proxy: a\n",
            "test.yml:2:3: oauth2: if no_proxy is configured, proxy_url must also be configured"),
        Arguments.of("proxy_connect_header: {Proxy-Authorization: [x]}\n",
            "test.yml:1:1: if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured"),
        Arguments.of("proxy_from_environment: true\nproxy_url: http://p:3128\n",
            "test.yml:1:1: if proxy_from_environment is configured, proxy_url must not be configured"),
        Arguments.of("proxy_from_environment: true\nno_proxy: a.example\n",
            "test.yml:1:1: if proxy_from_environment is configured, no_proxy must not be configured"),
        Arguments.of("no_proxy: a.example\n",
            "test.yml:1:1: if no_proxy is configured, proxy_url must also be configured"),
        Arguments.of("http_headers:\n  authorization: {values: [x]}\n",
            "test.yml:2:3: http_headers: setting header \"Authorization\" is not allowed"),
        Arguments.of("http_headers:\n  user-agent: {values: [x]}\n",
            "test.yml:2:3: http_headers: setting header \"User-Agent\" is not allowed"),
        Arguments.of("http_headers:\n  X-Prometheus-Scrape-Timeout-Seconds: {values: ['1']}\n",
            "test.yml:2:3: http_headers: setting header \"X-Prometheus-Scrape-Timeout-Seconds\" is not allowed"),
        Arguments.of("tls_config:\n  ca: x\n  ca_file: /y\n",
            "test.yml:2:3: tls_config: at most one of ca, ca_file & ca_ref must be configured"),
        Arguments.of("tls_config:\n  cert: x\n  cert_file: /y\n  key: k\n",
            "test.yml:2:3: tls_config: at most one of cert, cert_file & cert_ref must be configured"),
        Arguments.of("tls_config:\n  cert: x\n  key: k\n  key_file: /k\n",
            "test.yml:2:3: tls_config: at most one of key and key_file must be configured"),
        Arguments.of("tls_config:\n  cert_file: /c\n",
            "test.yml:2:3: tls_config: exactly one of key or key_file must be configured when a client certificate is configured"),
        Arguments.of("tls_config:\n  key_file: /k\n",
            "test.yml:2:3: tls_config: exactly one of cert or cert_file must be configured when a client key is configured"),
        Arguments.of("tls_config:\n  min_version: TLS14\n",
            "test.yml:2:16: tls_config.min_version: unknown TLS version: TLS14"),
        Arguments.of("tls_config:\n  min_version: TLS13\n  max_version: TLS12\n",
            "test.yml:2:3: tls_config: tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified"),
        // The nested (first-draft) form is validated the same way, across both places.
        Arguments.of("basic_auth: {username: u}\nhttp_config:\n  oauth2: {client_id: i, token_url: 'http://t'}\n",
            "test.yml:3:3: http_config: at most one of basic_auth, oauth2 & authorization must be configured"),
        Arguments.of("tls_config: {insecure_skip_verify: true}\nhttp_config:\n  tls_config: {insecure_skip_verify: false}\n",
            "test.yml:3:15: http_config.tls_config: tls_config is set both under http_config and in the enclosing mapping"
                + " (tls_config at line 1); set it in one place"),
        Arguments.of("bearer_token: a\nhttp_config:\n  bearer_token_file: /b\n",
            "test.yml:3:22: http_config.bearer_token_file: bearer_token_file is set both under http_config and in the"
                + " enclosing mapping (bearer_token at line 1); set it in one place"),
        Arguments.of("http_config:\n  basic_auth: {username: u}\n  scrape_interval: 1m\n",
            "test.yml:3:3: http_config.scrape_interval: unknown field \"scrape_interval\""),
        Arguments.of("basic_auth:\n  username: u\n  passwd: p\n",
            "test.yml:3:3: basic_auth.passwd: unknown field \"passwd\""),
        Arguments.of("follow_redirects: sometimes\n",
            "test.yml:1:19: follow_redirects: expected true or false, got \"sometimes\""),
        // Deviations of this client (the JDK's), reported at load time rather than at run time.
        Arguments.of("http_headers:\n  expect: {values: [100-continue]}\n",
            "test.yml:2:3: http_headers: setting header \"Expect\" is not allowed by the JDK HTTP client"),
        Arguments.of("http_headers:\n  'X Bad': {values: [x]}\n",
            "test.yml:2:3: http_headers: invalid header name \"X Bad\""),
        Arguments.of("http_headers:\n  X-Ok: {values: [\"a\\nb\"]}\n",
            "test.yml:2:3: http_headers: invalid value for header \"X-Ok\": line breaks and control characters are not allowed"),
        Arguments.of("proxy_url: socks5://p:1080\n",
            "test.yml:1:12: proxy_url: unsupported proxy scheme \"socks5\": the JDK HTTP client supports only http:// proxies"),
        Arguments.of("proxy_url: http://p:3128\nproxy_connect_header: {X-Foo: [x]}\n",
            "test.yml:2:31: proxy_connect_header.X-Foo: proxy_connect_header \"X-Foo\" cannot be sent: the JDK HTTP client"
                + " sends only Proxy-* headers with CONNECT"));
  }

  @ParameterizedTest
  @MethodSource
  void rejected(String yaml, String message) {
    assertThat(Configs.error(yaml)).isEqualTo(message);
  }

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of(""),
        Arguments.of("basic_auth: {username: u}\n"),
        Arguments.of("basic_auth: {username: u, password_file: /p}\n"),
        Arguments.of("basic_auth: {username_file: /u, password: p}\n"),
        Arguments.of("authorization: {type: Token, credentials_file: /c}\n"),
        Arguments.of("bearer_token_file: /t\n"),
        Arguments.of("oauth2: {client_id: i, token_url: 'https://t/token', client_secret_file: /s, scopes: [a, b],"
            + " endpoint_params: {audience: x}, proxy_url: 'http://p:3128', tls_config: {ca_file: /ca}}\n"),
        Arguments.of("tls_config: {ca_file: /ca, cert_file: /c, key_file: /k, server_name: x, insecure_skip_verify: false,"
            + " min_version: TLS12, max_version: TLS13}\n"),
        Arguments.of("tls_config: {min_version: TLS12, max_version: TLS12}\n"),
        Arguments.of("proxy_url: 'http://p:3128'\nno_proxy: 'localhost,10.0.0.0/8'\n"
            + "proxy_connect_header: {Proxy-Authorization: [Bearer x]}\n"),
        Arguments.of("proxy_from_environment: true\nproxy_connect_header: {Proxy-Authorization: [Bearer x]}\n"),
        Arguments.of("follow_redirects: false\nenable_http2: false\n"),
        Arguments.of("http_headers: {X-Scope-OrgID: {values: [a], secrets: [b], files: [/c]}}\n"),
        Arguments.of("http_config:\n  basic_auth: {username: u, password: {file: /p}}\n  tls_config: {insecure_skip_verify: true}\n"));
  }

  @ParameterizedTest
  @MethodSource
  void accepted(String yaml) {
    assertThat(Configs.parse(yaml)).isNotNull();
  }

  @Test
  void defaultsAreTheOnesOfPrometheus() {
    HttpClientConfig c = Configs.parse("");
    assertThat(c).isEqualTo(HttpClientConfig.DEFAULT);
    assertThat(c.followRedirects()).isTrue();
    assertThat(c.enableHttp2()).isTrue();
  }

  @Test
  void bearerTokenBecomesAnAuthorizationOfTypeBearer() {
    HttpClientConfig a = Configs.parse("bearer_token: t\n");
    HttpClientConfig b = Configs.parse("authorization: {credentials: t}\n");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.authorization().orElseThrow().type()).isEqualTo("Bearer");
    assertThat(Configs.parse("authorization: {type: ' Token ', credentials: t}\n").authorization().orElseThrow().type())
        .isEqualTo("Token");
  }

  @Test
  void inlineAndNestedFormsAreTheSameConfig() {
    String inline = "basic_auth: {username: u, password: p}\ntls_config: {insecure_skip_verify: true}\n";
    String nested = "http_config:\n  basic_auth: {username: u, password: p}\n  tls_config: {insecure_skip_verify: true}\n";
    String split = "basic_auth: {username: u, password: p}\nhttp_config:\n  tls_config: {insecure_skip_verify: true}\n";
    assertThat(Configs.parse(inline)).isEqualTo(Configs.parse(nested)).isEqualTo(Configs.parse(split));
    assertThat(Configs.parse(inline)).isNotEqualTo(Configs.parse("basic_auth: {username: u, password: q}\n"
        + "tls_config: {insecure_skip_verify: true}\n"));
  }

  @Test
  void everySecretFormIsRead() {
    HttpClientConfig c = Configs.parse("""
        secret_providers:
        - name: envp
          env_sp_config: {}
        basic_auth:
          username_ref: {envp: USER}
          password: {file: /run/secrets/pass}
        tls_config:
          ca_file: ca.pem
        http_headers:
          X-Token: {values: [v], secrets: [s], files: [/run/h]}
        """);
    var ba = c.basicAuth().orElseThrow();
    assertThat(ba.username().orElseThrow().description()).isEqualTo("provider envp, ref USER");
    assertThat(ba.password().orElseThrow().description()).isEqualTo("provider file, ref /run/secrets/pass");
    assertThat(c.tls().ca().orElseThrow()).isInstanceOf(SecretSpec.FromProvider.class);
    assertThat(((SecretSpec.FromProvider) c.tls().ca().orElseThrow()).ref()).endsWith("/ca.pem");
    HttpClientConfig.Header h = c.headers().get("X-Token");
    assertThat(h.values()).containsExactly("v");
    assertThat(h.secrets()).containsExactly(new SecretSpec.Inline(Secret.of("s")));
    assertThat(h.files()).extracting(SecretSpec::description).containsExactly("provider file, ref /run/h");
    assertThat(c.secretSpecs()).hasSize(5);
  }

  @Test
  void oauth2FieldsAreRead() {
    var o = Configs.parse("oauth2: {client_id: i, token_url: 'https://t/token', scopes: [a, b], endpoint_params: {audience: x},"
        + " proxy_url: 'http://p:3128'}\n").oauth2().orElseThrow();
    assertThat(o.clientId()).isEqualTo("i");
    assertThat(o.scopes()).containsExactly("a", "b");
    assertThat(o.endpointParams()).isEqualTo(Map.of("audience", "x"));
    assertThat(o.proxy().proxyUrl().orElseThrow().toString()).isEqualTo("http://p:3128");
    assertThat(o.clientSecret()).isEqualTo(Optional.empty());
    assertThat(o.tls()).isEqualTo(HttpClientConfig.TlsConfig.NONE);
    assertThat(List.of(o.tokenUrl().getPath())).containsExactly("/token");
  }
}
