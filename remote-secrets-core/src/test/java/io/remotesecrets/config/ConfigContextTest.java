package io.remotesecrets.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.Secret;
import io.remotesecrets.provider.file.FileProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The secret-field forms of both proposals and the error rules, on a minimal config shape
 * ({@code global.secret_providers} plus a list of jobs with a {@code basic_auth} each).
 */
class ConfigContextTest {

  /** Parses global.secret_providers and jobs[*].basic_auth.password; returns the specs. */
  static List<Optional<SecretSpec>> parse(String yaml) {
    ConfigDocument doc = ConfigDocument.parse("test.yml", Path.of("/etc/prometheus/test.yml"), yaml);
    ConfigContext ctx = new ConfigContext(doc, SecretProviderFactories.load());
    ConfigMap root = doc.root().asMap();
    ctx.declareProviders(root.map("global").get("secret_providers").orElse(root.node()).isList()
        ? root.map("global").get("secret_providers").get() : emptyList(doc));
    List<Optional<SecretSpec>> out = new java.util.ArrayList<>();
    for (ConfigNode job : root.list("jobs")) {
      try {
        ConfigMap basic = job.asMap().map("basic_auth");
        basic.string("username");
        out.add(ctx.secret(basic, "basic_auth ", "password"));
      } catch (ConfigException e) {
        out.add(Optional.empty());
      }
    }
    doc.finish();
    return out;
  }

  private static ConfigNode emptyList(ConfigDocument doc) {
    return ConfigDocument.parse("empty", null, "[]").root();
  }

  static String errors(String yaml) {
    try {
      parse(yaml);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected errors");
  }

  @Test
  void plainStringIsInline() {
    assertThat(parse("jobs: [{basic_auth: {username: u, password: plain-text}}]"))
        .containsExactly(Optional.of(new SecretSpec.Inline(Secret.of("plain-text"))));
  }

  @Test
  void fileIsResolvedAgainstTheConfigDirectoryAndReadThroughTheFileProvider() {
    assertThat(parse("jobs: [{basic_auth: {password_file: secrets/pass}}]").get(0).orElseThrow())
        .isEqualTo(new SecretSpec.FromProvider(FileProviderConfig.ABSOLUTE_BINDING, "/etc/prometheus/secrets/pass", Duration.ofHours(1)));
  }

  @Test
  void refNamesADeclaredProviderAndTakesItsRefreshInterval() {
    SecretSpec spec = parse("""
        global:
          secret_providers:
          - name: files
            file_sp_config: {base_dir: /run/secrets, refresh_interval: 5m}
        jobs:
        - basic_auth: {username: u, password_ref: {files: scrape/pass}}
        """).get(0).orElseThrow();
    SecretSpec.FromProvider p = (SecretSpec.FromProvider) spec;
    assertThat(p.provider().name()).isEqualTo("files");
    assertThat(p.provider().type()).isEqualTo("file");
    assertThat(p.provider().config()).isEqualTo(new FileProviderConfig(Path.of("/run/secrets")));
    assertThat(p.ref()).isEqualTo("scrape/pass");
    assertThat(p.refreshInterval()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void mapFormNamesTheProviderTypeInlineWithItsOwnRefreshInterval() {
    SecretSpec.FromProvider p = (SecretSpec.FromProvider) parse("""
        jobs:
        - basic_auth: {password: {env: {name: SCRAPE_PASSWORD, refresh_interval: 30m}}}
        - basic_auth: {password: {env: SCRAPE_PASSWORD}}
        - basic_auth: {password: {file: /run/pass}}
        """).get(0).orElseThrow();
    assertThat(p.provider().name()).isEqualTo("env");
    assertThat(p.ref()).isEqualTo("SCRAPE_PASSWORD");
    assertThat(p.refreshInterval()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void mapFormProvidersWithEqualConfigsAreOneBinding() {
    var specs = parse("""
        jobs:
        - basic_auth: {password: {file: /run/a}}
        - basic_auth: {password: {file: {path: /run/b}}}
        """);
    assertThat(((SecretSpec.FromProvider) specs.get(0).orElseThrow()).provider())
        .isEqualTo(((SecretSpec.FromProvider) specs.get(1).orElseThrow()).provider());
  }

  @Test
  void atMostOneOfValueFileAndRef() {
    assertThat(errors("jobs: [{basic_auth: {password: a, password_file: /b}}]"))
        .isEqualTo("test.yml:1:21: jobs[0].basic_auth: at most one of basic_auth password, password_file & password_ref must be configured");
  }

  @Test
  void unknownProviderNameListsTheDeclaredOnes() {
    assertThat(errors("""
        global:
          secret_providers:
          - {name: kube1, env_sp_config: {}}
          - {name: kube2, env_sp_config: {}}
        jobs:
        - basic_auth: {password_ref: {kube9: x}}
        """)).isEqualTo("test.yml:6:38: jobs[0].basic_auth.password_ref.kube9: unknown secret provider \"kube9\"; declared providers: kube1, kube2");
    assertThat(errors("jobs: [{basic_auth: {password_ref: {kube9: x}}}]"))
        .endsWith("unknown secret provider \"kube9\"; none is declared under global.secret_providers");
  }

  @Test
  void unknownProviderTypeListsTheKnownOnes() {
    assertThat(errors("global: {secret_providers: [{name: a, foo_sp_config: {}}]}"))
        .isEqualTo("test.yml:1:54: global.secret_providers[0].foo_sp_config: unknown secret provider type \"foo\"; known types: env, exec, file, inline");
    assertThat(errors("jobs: [{basic_auth: {password: {foo: {x: 1}}}}]"))
        .isEqualTo("test.yml:1:38: jobs[0].basic_auth.password.foo: unknown secret provider type \"foo\"; known types: env, exec, file, inline");
  }

  @Test
  void providerEntriesNeedExactlyOneTypeAndAUniqueName() {
    assertThat(errors("""
        global:
          secret_providers:
          - {name: a, env_sp_config: {}}
          - {name: a, env_sp_config: {}}
          - {name: b, env_sp_config: {}, file_sp_config: {base_dir: /x}}
          - {name: c}
          - {env_sp_config: {}}
        """)).isEqualTo("""
        test.yml:4:12: global.secret_providers[1].name: duplicate secret provider name "a" (first at line 3)
        test.yml:5:5: global.secret_providers[2]: exactly one <type>_sp_config must be configured for secret provider "b", found env_sp_config, file_sp_config
        test.yml:6:5: global.secret_providers[3]: exactly one <type>_sp_config must be configured for secret provider "c", found none
        test.yml:7:5: global.secret_providers[4]: missing required field "name\"""");
  }

  @Test
  void refMapsMustHaveExactlyOneEntry() {
    assertThat(errors("""
        global: {secret_providers: [{name: a, env_sp_config: {}}, {name: b, env_sp_config: {}}]}
        jobs:
        - basic_auth: {password_ref: {a: X, b: Y}}
        - basic_auth: {password_ref: {}}
        - basic_auth: {password_ref: just-a-string}
        """)).isEqualTo("""
        test.yml:3:30: jobs[0].basic_auth.password_ref: password_ref must map exactly one secret provider name to a ref, got 2 entries
        test.yml:4:30: jobs[1].basic_auth.password_ref: password_ref must map exactly one secret provider name to a ref, got 0 entries
        test.yml:5:30: jobs[2].basic_auth.password_ref: password_ref must map exactly one secret provider name to a ref, like {my_provider: my-ref}""");
  }

  @Test
  void unknownKeysDuplicateKeysAndBadDurationsAreReportedTogether() {
    assertThat(errors("""
        global:
          secret_providers:
          - name: f
            file_sp_config: {base_dir: /x, refresh_interval: 5 minutes, colour: blue}
        jobs:
        - basic_auth: {username: u, username: v, pasword: p}
        """)).isEqualTo("""
        test.yml:4:54: global.secret_providers[0].file_sp_config.refresh_interval: not a valid duration string: "5 minutes"
        test.yml:6:29: jobs[0].basic_auth.username: duplicate key "username" (first at line 6)
        test.yml:6:42: jobs[0].basic_auth.pasword: unknown field "pasword\"""");
  }

  @Test
  void refsAreCheckedByTheirProvider() {
    assertThat(errors("""
        global: {secret_providers: [{name: f, file_sp_config: {base_dir: /run}}]}
        jobs:
        - basic_auth: {password_ref: {f: ../etc/shadow}}
        - basic_auth: {password_ref: {f: /etc/shadow}}
        - basic_auth: {password: {env: "not a name"}}
        """)).isEqualTo("""
        test.yml:3:34: jobs[0].basic_auth.password_ref.f: invalid ref "../etc/shadow" for secret provider f (file): must not contain ".."
        test.yml:4:34: jobs[1].basic_auth.password_ref.f: invalid ref "/etc/shadow" for secret provider f (file): must be relative to base_dir /run
        test.yml:5:32: jobs[2].basic_auth.password.env: invalid ref "not a name" for secret provider env: must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)""");
  }

  @Test
  void aProviderMayUseOnlyProvidersDeclaredBeforeIt() {
    assertThat(errors("""
        global:
          secret_providers:
          - {name: a, exec_sp_config: {command: [x], timeout: {env: {name: B}}}}
        """)).contains("expected a string, got a mapping");
  }

  @Test
  void wrongTypesNeverEchoScalars() {
    assertThat(errors("jobs: [{basic_auth: hunter2-canary}]"))
        .isEqualTo("test.yml:1:21: jobs[0].basic_auth: expected a mapping, got a scalar")
        .doesNotContain("hunter2-canary");
  }

  @Test
  void invalidYamlNamesTheLine() {
    assertThatThrownBy(() -> parse("jobs:\n  - a: [\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yml:3:1: invalid YAML:");
  }

  @Test
  void dumpPrintsSecretForEverySecretValue() {
    ConfigDocument doc = ConfigDocument.parse("t.yml", null, """
        global:
          secret_providers:
          - {name: demo, inline_sp_config: {secrets: {pw: canary-inline-1}}}
        jobs:
        - basic_auth: {username: u, password: canary-plain-2}
        - basic_auth: {password_ref: {demo: pw}}
        """);
    ConfigContext ctx = new ConfigContext(doc, SecretProviderFactories.load());
    ConfigMap root = doc.root().asMap();
    ctx.declareProviders(root.map("global").required("secret_providers"));
    for (ConfigNode job : root.list("jobs")) {
      ConfigMap b = job.asMap().map("basic_auth");
      b.string("username");
      ctx.secret(b, "basic_auth ", "password");
    }
    doc.finish();
    String dump = doc.dump();
    assertThat(dump).doesNotContain("canary").contains("pw: <secret>", "password: <secret>", "demo: pw", "username: u");
    assertThat(ctx.secrets()).extracting(ConfigContext.UsedSecret::path)
        .containsExactly("jobs[0].basic_auth.password", "jobs[1].basic_auth.password_ref");
    assertThat(ctx.secrets().toString()).doesNotContain("canary");
  }
}
