package io.remotesecrets.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.remotesecrets.Secret;
import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretState;
import io.remotesecrets.SecretStatus;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.vault.VaultDouble.TokenSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider against {@link VaultDouble} (Vault 1.15 HTTP API), on fake time. */
class VaultProviderTest {
  static final TokenSpec APP_TOKEN = new TokenSpec("prometheus", Duration.ofMinutes(10), Duration.ofMinutes(25), true);

  Harness h;
  VaultDouble vault;

  @BeforeEach
  void setUp() throws Exception {
    h = new Harness();
    vault = new VaultDouble(h.clock);
    vault.mount("", "secret", 2).mount("", "kv1", 1)
        .policy("prometheus", "secret/data/prometheus/*", "kv1/prometheus/*")
        .appRole("", "approle", "role-1", "secret-id-1", APP_TOKEN)
        .put("", "secret", "prometheus/app", Map.of("user", "scraper", "password", "pw-1"));
  }

  @AfterEach
  void tearDown() {
    h.close();
    vault.close();
  }

  String approleConfig(String extra) {
    return "global:\n  secret_providers:\n  - name: vault\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n"
        + "      auth: {approle: {role_id: role-1, secret_id: secret-id-1}}\n"
        + "      refresh_interval: 30m\n" + extra;
  }

  Map<String, SecretReader> appReaders() {
    return h.readers(approleConfig("") + "secrets:\n"
        + "  user_ref: {vault: 'prometheus/app#user'}\n"
        + "  password_ref: {vault: 'prometheus/app#password'}\n");
  }

  @Test
  void readsKv2FieldsAndSeveralFieldsOfOnePathCostOneReadPerRefresh() throws Exception {
    Map<String, SecretReader> r = appReaders();

    assertThat(r.get("user").current().reveal()).isEqualTo("scraper");
    assertThat(r.get("password").current().reveal()).isEqualTo("pw-1");
    assertThat(vault.count("GET [] secret/data/prometheus/app")).isEqualTo(1);
    assertThat(vault.count("POST [] auth/approle/login")).isEqualTo(1);

    h.advance(Duration.ofMinutes(30));
    assertThat(vault.count("GET [] secret/data/prometheus/app")).isEqualTo(2);
    h.advance(Duration.ofMinutes(30));
    assertThat(vault.count("GET [] secret/data/prometheus/app")).isEqualTo(3);
  }

  @Test
  void aFieldRotatedInVaultReachesTheCacheWithinOneRefreshInterval() throws Exception {
    SecretReader password = appReaders().get("password");
    h.advance(Duration.ofMinutes(5));
    vault.put("", "secret", "prometheus/app", Map.of("user", "scraper", "password", "pw-2"));

    h.advance(Duration.ofMinutes(24));
    assertThat(password.current().reveal()).as("not yet due").isEqualTo("pw-1");
    h.advance(Duration.ofMinutes(1));
    assertThat(password.current().reveal()).isEqualTo("pw-2");
    assertThat(password.previous()).contains(Secret.of("pw-1"));
  }

  @Test
  void credentialsRejectedByTheTargetForceAnImmediateReRead() throws Exception {
    Map<String, SecretReader> r = appReaders();
    vault.put("", "secret", "prometheus/app", Map.of("user", "scraper", "password", "pw-2"));
    long reads = vault.count("GET [] secret/data/prometheus/app");

    Secret retry = r.get("password").reportRejected(Secret.of("pw-1")).get(5, TimeUnit.SECONDS);

    assertThat(retry.reveal()).isEqualTo("pw-2");
    assertThat(vault.count("GET [] secret/data/prometheus/app")).isEqualTo(reads + 1);
  }

  @Test
  void aReReadOfOneFieldAlsoUpdatesTheOtherFieldsOfItsPath() throws Exception {
    Map<String, SecretReader> r = appReaders();
    vault.put("", "secret", "prometheus/app", Map.of("user", "scraper-2", "password", "pw-2"));
    long reads = vault.count("GET [] secret/data/prometheus/app");

    r.get("password").reportRejected(Secret.of("pw-1")).get(5, TimeUnit.SECONDS);

    assertThat(r.get("user").current().reveal()).isEqualTo("scraper-2");
    assertThat(vault.count("GET [] secret/data/prometheus/app")).isEqualTo(reads + 1);
    h.advance(Duration.ofMinutes(30));
    assertThat(vault.count("GET [] secret/data/prometheus/app")).as("still one read per refresh").isEqualTo(reads + 2);
  }

  @Test
  void tokenExpiryMidRunLogsInAgainWithoutAFailedFetch() throws Exception {
    Map<String, SecretReader> r = appReaders();

    // Renewals at 2/3 of the TTL until the 25m max TTL, then the token expires: a new login.
    for (int minute = 0; minute < 120; minute++) {
      h.advance(Duration.ofMinutes(1));
      assertThat(h.status("prometheus/app#password").state()).isEqualTo(SecretState.SUCCESS);
    }
    assertThat(vault.count("POST [] auth/token/renew-self")).isGreaterThanOrEqualTo(4);
    assertThat(vault.count("POST [] auth/approle/login")).isGreaterThanOrEqualTo(4);
    assertThat(h.fetchFailures()).isZero();
    assertThat(r.get("password").current().reveal()).isEqualTo("pw-1");
    // Every refresh read once: no read was repeated after a 403.
    assertThat(vault.count("GET [] secret/data/prometheus/app")).isEqualTo(1 + 4);
  }

  @Test
  void anExpiredTokenIsReplacedBeforeTheReadEvenWithoutTheRenewalTimer() throws Exception {
    h.close();
    h = new Harness(false);
    SecretReader password = appReaders().get("password");
    vault.put("", "secret", "prometheus/app", Map.of("user", "scraper", "password", "pw-2"));

    h.advance(Duration.ofMinutes(30));

    assertThat(password.current().reveal()).isEqualTo("pw-2");
    assertThat(vault.count("POST [] auth/approle/login")).isEqualTo(2);
    assertThat(vault.count("POST [] auth/token/renew-self")).isZero();
    assertThat(vault.count("GET [] auth/token/lookup-self")).as("no 403 was needed to notice").isZero();
    assertThat(h.fetchFailures()).isZero();
  }

  @Test
  void aTokenRevokedEarlyIsReplacedAndTheReadRepeated() throws Exception {
    SecretReader password = nonExpiringReaders().get("password");
    vault.revokeAll();
    vault.put("", "secret", "prometheus/app", Map.of("user", "scraper", "password", "pw-2"));

    h.advance(Duration.ofMinutes(30));

    assertThat(password.current().reveal()).isEqualTo("pw-2");
    assertThat(h.fetchFailures()).isZero();
    assertThat(vault.count("GET [] auth/token/lookup-self")).as("tells a dead token from a policy").isPositive();
  }

  /** Readers whose AppRole tokens never expire, so that no renewal runs before a read. */
  Map<String, SecretReader> nonExpiringReaders() {
    vault.appRole("", "approle", "role-1", "secret-id-1", new TokenSpec("prometheus", Duration.ZERO, Duration.ZERO, false));
    return appReaders();
  }

  @Test
  void permissionDeniedAfterAPolicyRotationIsStaleThenRecovers() throws Exception {
    SecretReader password = appReaders().get("password");
    vault.policy("prometheus", "secret/data/other/*");

    h.advance(Duration.ofMinutes(30));
    SecretStatus s = h.status("prometheus/app#password");
    assertThat(s.state()).isEqualTo(SecretState.STALE);
    assertThat(s.lastError().orElseThrow()).isEqualTo("provider vault, ref prometheus/app#password: Vault " + vault.address()
        + ", path secret/data/prometheus/app: permission denied (HTTP 403: permission denied);"
        + " check the policies of the token of auth approle (mount approle)");
    assertThat(password.current().reveal()).isEqualTo("pw-1");

    vault.policy("prometheus", "secret/data/prometheus/*");
    h.advance(Duration.ofMinutes(3));
    assertThat(h.status("prometheus/app#password").state()).isEqualTo(SecretState.SUCCESS);
  }

  @Test
  void aSealedVaultIsStaleThenRecovers() throws Exception {
    SecretReader password = nonExpiringReaders().get("password");
    vault.seal(true);
    h.advance(Duration.ofMinutes(30));
    assertThat(h.status("prometheus/app#password").lastError().orElseThrow()).isEqualTo(
        "provider vault, ref prometheus/app#password: Vault " + vault.address()
            + ", path secret/data/prometheus/app: Vault is sealed (HTTP 503)");
    assertThat(h.status("prometheus/app#password").state()).isEqualTo(SecretState.STALE);
    assertThat(password.current().reveal()).isEqualTo("pw-1");

    vault.seal(false);
    h.advance(Duration.ofMinutes(5));
    assertThat(h.status("prometheus/app#password").state()).isEqualTo(SecretState.SUCCESS);
  }

  @Test
  void aSealedVaultAtLoginNamesTheAuthMethod() throws Exception {
    vault.seal(true);
    SecretReader password = appReaders().get("password");
    assertThatThrownBy(password::current).hasMessage("waiting for secret prometheus/app#password from provider vault: Vault "
        + vault.address() + ": auth approle (mount approle) failed: login returned HTTP 503: Vault is sealed (Vault is sealed)");
  }

  @Test
  void missingPathFieldAndDeletedVersionsAreNotFoundWithClearMessages() throws Exception {
    Map<String, SecretReader> r = h.readers(approleConfig("") + "secrets:\n"
        + "  a_ref: {vault: 'prometheus/nope#user'}\n"
        + "  b_ref: {vault: 'prometheus/app#token'}\n"
        + "  c_ref: {vault: 'prometheus/app'}\n");
    assertThatThrownBy(() -> r.get("a").current()).isInstanceOf(SecretUnavailableException.class)
        .hasMessage("waiting for secret prometheus/nope#user from provider vault: Vault " + vault.address()
            + ", path secret/data/prometheus/nope: no secret at this path (HTTP 404)");
    assertThatThrownBy(() -> r.get("b").current())
        .hasMessage("waiting for secret prometheus/app#token from provider vault: Vault " + vault.address()
            + ", path secret/data/prometheus/app: no field \"token\" (fields: password, user)");
    assertThatThrownBy(() -> r.get("c").current())
        .hasMessage("waiting for secret prometheus/app from provider vault: Vault " + vault.address()
            + ", path secret/data/prometheus/app: the secret has 2 fields (password, user); name one in the ref: prometheus/app#<field>");
    assertThat(h.status("prometheus/nope#user").state()).isEqualTo(SecretState.ERROR);

    SecretReader user = h.readers(approleConfig("") + "secrets:\n  u_ref: {vault: 'prometheus/app#user'}\n").get("u");
    vault.deleteLatest("", "secret", "prometheus/app");
    h.advance(Duration.ofMinutes(30));
    assertThat(h.status("prometheus/app#user").lastError().orElseThrow()).isEqualTo(
        "provider vault, ref prometheus/app#user: Vault " + vault.address()
            + ", path secret/data/prometheus/app: the latest version is deleted (HTTP 404)");
    assertThat(user.current().reveal()).isEqualTo("scraper");
  }

  @Test
  void concurrentFirstFetchesOfOnePathShareOneRead() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (SecretManager m = SecretManager.builder().clock(h.clock).scheduler(h.scheduler)
        .fetchExecutor(pool).jitter(0).build()) {
      vault.put("", "secret", "prometheus/many", Map.of("a", "1", "b", "2", "c", "3", "d", "4"));
      Map<String, SecretSpec> specs = h.parse(approleConfig("") + "secrets:\n"
          + "  a_ref: {vault: 'prometheus/many#a'}\n  b_ref: {vault: 'prometheus/many#b'}\n"
          + "  c_ref: {vault: 'prometheus/many#c'}\n  d_ref: {vault: 'prometheus/many#d'}\n");
      List<SecretReader> readers = specs.values().stream().map(m::reader).toList();
      StringBuilder values = new StringBuilder();
      for (SecretReader r : readers) values.append(r.await(Duration.ofSeconds(10)).reveal());
      assertThat(values.toString()).isEqualTo("1234");
      assertThat(vault.count("GET [] secret/data/prometheus/many")).isEqualTo(1);
      assertThat(vault.count("POST [] auth/approle/login")).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void valuesWithSpecialCharactersArriveIntact() throws Exception {
    String tricky = "p\"a\\ss\nw/ö✓ {x: [y]} # z";
    vault.put("", "secret", "prometheus/tricky", Map.of("v", tricky));
    SecretReader r = h.readers(approleConfig("") + "secrets:\n  t_ref: {vault: prometheus/tricky}\n").get("t");
    assertThat(r.current().reveal()).isEqualTo(tricky);
  }

  @Test
  void aSingleFieldSecretNeedsNoField() throws Exception {
    vault.put("", "secret", "prometheus/single", Map.of("token", "t-1"));
    SecretReader r = h.readers(approleConfig("") + "secrets:\n  t_ref: {vault: prometheus/single}\n").get("t");
    assertThat(r.current().reveal()).isEqualTo("t-1");
  }

  @Test
  void kv1ReadsAndLeasedSecretsAreReadAgainAheadOfTheLeaseEnd() throws Exception {
    vault.put("", "kv1", "prometheus/db", Map.of("password", "db-1", "ttl", "90s"));
    SecretReader r = h.readers("global:\n  secret_providers:\n  - name: v1\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n      mount: kv1\n      kv_version: 1\n"
        + "      auth: {approle: {role_id: role-1, secret_id: secret-id-1}}\n"
        + "secrets:\n  p_ref: {v1: 'prometheus/db#password'}\n").get("p");
    assertThat(r.current().reveal()).isEqualTo("db-1");
    vault.put("", "kv1", "prometheus/db", Map.of("password", "db-2", "ttl", "90s"));

    h.advance(Duration.ofSeconds(59));
    assertThat(r.current().reveal()).isEqualTo("db-1");
    h.advance(Duration.ofSeconds(1));
    assertThat(r.current().reveal()).as("read at 2/3 of the 90s lease, not at the 1h refresh").isEqualTo("db-2");
    assertThat(vault.count("GET [] kv1/prometheus/db")).isEqualTo(2);
  }

  @Test
  void aKv1ConfigOnAKv2MountSaysSo() throws Exception {
    SecretReader r = h.readers("global:\n  secret_providers:\n  - name: v\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n      kv_version: 1\n"
        + "      auth: {approle: {role_id: role-1, secret_id: secret-id-1}}\n"
        + "secrets:\n  p_ref: {v: 'data/prometheus/app#password'}\n").get("p");
    vault.policy("prometheus", "secret/*");
    assertThatThrownBy(r::current).hasMessageContaining("secret/data/prometheus/app").isInstanceOf(SecretUnavailableException.class);
    SecretReader r2 = h.readers("global:\n  secret_providers:\n  - name: v\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n      kv_version: 1\n"
        + "      auth: {approle: {role_id: role-1, secret_id: secret-id-1}}\n"
        + "secrets:\n  p_ref: {v: 'prometheus/app#password'}\n").get("p");
    assertThatThrownBy(r2::current).hasMessage("waiting for secret prometheus/app#password from provider v: Vault "
        + vault.address() + ", path secret/prometheus/app: no secret at this path (HTTP 404);"
        + " the mount is a KV version 2 engine: set kv_version: 2");
  }

  @Test
  void namespacesSendTheHeaderAndKeepTokensApart() throws Exception {
    vault.mount("team-a", "secret", 2).appRole("team-a", "approle", "role-a", "sid-a", APP_TOKEN)
        .put("team-a", "secret", "prometheus/app", Map.of("password", "ns-pw"));
    SecretReader r = h.readers("global:\n  secret_providers:\n  - name: va\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n      namespace: team-a\n"
        + "      auth: {approle: {role_id: role-a, secret_id: sid-a}}\n"
        + "secrets:\n  p_ref: {va: 'prometheus/app#password'}\n").get("p");
    assertThat(r.current().reveal()).isEqualTo("ns-pw");
    assertThat(vault.requests()).contains("POST [team-a] auth/approle/login", "GET [team-a] secret/data/prometheus/app");
  }

  @Test
  void kubernetesLoginReadsTheServiceAccountTokenAtEachLogin(@TempDir Path dir) throws Exception {
    Path jwt = dir.resolve("token");
    Files.writeString(jwt, "jwt-1\n");
    TokenSpec noExpiry = new TokenSpec("prometheus", Duration.ZERO, Duration.ZERO, false);
    vault.kubernetesRole("", "k8s-prod", "prometheus", "jwt-1", noExpiry);
    SecretReader r = h.readers("global:\n  secret_providers:\n  - name: vk\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n"
        + "      auth: {kubernetes: {role: prometheus, mount: k8s-prod, service_account_token_file: " + jwt + "}}\n"
        + "secrets:\n  p_ref: {vk: 'prometheus/app#password'}\n").get("p");
    assertThat(r.current().reveal()).isEqualTo("pw-1");

    // The kubelet rotates the projected token; Vault only accepts the new one from now on.
    Files.writeString(jwt, "jwt-2\n");
    vault.kubernetesRole("", "k8s-prod", "prometheus", "jwt-2", noExpiry);
    vault.revokeAll();
    h.advance(Duration.ofHours(1));
    assertThat(h.status("prometheus/app#password").state()).isEqualTo(SecretState.SUCCESS);
    assertThat(vault.count("POST [] auth/k8s-prod/login")).isEqualTo(2);
  }

  @Test
  void kubernetesLoginFailureNamesTheMethodAndWhy(@TempDir Path dir) throws Exception {
    Path jwt = dir.resolve("token");
    Files.writeString(jwt, "jwt-wrong");
    vault.kubernetesRole("", "kubernetes", "prometheus", "jwt-1", APP_TOKEN);
    SecretReader r = h.readers("global:\n  secret_providers:\n  - name: vk\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n"
        + "      auth: {kubernetes: {role: prometheus, service_account_token_file: " + jwt + "}}\n"
        + "secrets:\n  p_ref: {vk: 'prometheus/app#password'}\n").get("p");
    assertThatThrownBy(r::current).hasMessage("waiting for secret prometheus/app#password from provider vk: Vault "
        + vault.address() + ": auth kubernetes (mount kubernetes, role prometheus) failed: login returned HTTP 403: permission denied");
  }

  @Test
  void appRoleFailureNamesTheMethodAndWhy() throws Exception {
    SecretReader r = h.readers(approleConfig("").replace("secret-id-1", "wrong") + "secrets:\n  p_ref: {vault: 'prometheus/app#password'}\n").get("p");
    assertThatThrownBy(r::current).hasMessage("waiting for secret prometheus/app#password from provider vault: Vault "
        + vault.address() + ": auth approle (mount approle) failed: login returned HTTP 400: invalid role or secret ID");
    assertThat(h.status("prometheus/app#password").state()).isEqualTo(SecretState.ERROR);
  }

  @Test
  void aRotatedSecretIdIsReReadWhenVaultRejectsTheCachedOne(@TempDir Path dir) throws Exception {
    Path sid = dir.resolve("secret-id");
    Files.writeString(sid, "secret-id-1");
    SecretReader r = h.readers("global:\n  secret_providers:\n  - name: vault\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n"
        + "      auth: {approle: {role_id: role-1, secret_id_file: " + sid + "}}\n"
        + "secrets:\n  p_ref: {vault: 'prometheus/app#password'}\n").get("p");
    assertThat(r.current().reveal()).isEqualTo("pw-1");
    Files.writeString(sid, "secret-id-2");
    vault.appRole("", "approle", "role-1", "secret-id-2", APP_TOKEN);
    vault.revokeAll();
    h.advance(Duration.ofMinutes(50));
    assertThat(h.fetchFailures()).isZero();
    assertThat(r.current().reveal()).isEqualTo("pw-1");
  }

  @Test
  void staticTokenFromVaultTokenIsLookedUpAndRenewed() throws Exception {
    String token = vault.token("", new TokenSpec("prometheus", Duration.ofHours(1), Duration.ZERO, true));
    h.env.put("VAULT_TOKEN", token);
    h.env.put("VAULT_ADDR", vault.address());
    SecretReader r = h.readers("global:\n  secret_providers:\n  - name: vault\n    vault_sp_config: {}\n"
        + "secrets:\n  p_ref: {vault: 'prometheus/app#password'}\n").get("p");
    assertThat(r.current().reveal()).isEqualTo("pw-1");
    assertThat(vault.count("GET [] auth/token/lookup-self")).isEqualTo(1);

    h.advance(Duration.ofMinutes(40));
    assertThat(vault.count("POST [] auth/token/renew-self")).isEqualTo(1);
    h.advance(Duration.ofHours(5));
    assertThat(h.fetchFailures()).isZero();
  }

  @Test
  void tokenFromAFileIsReReadWhenVaultNoLongerAcceptsIt(@TempDir Path dir) throws Exception {
    String t1 = vault.token("", new TokenSpec("prometheus", Duration.ZERO, Duration.ZERO, false));
    Path file = dir.resolve("token");
    Files.writeString(file, t1);
    SecretReader r = h.readers("global:\n  secret_providers:\n  - name: vault\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n      auth: {token_file: " + file + "}\n"
        + "secrets:\n  p_ref: {vault: 'prometheus/app#password'}\n").get("p");
    assertThat(r.current().reveal()).isEqualTo("pw-1");

    vault.revoke(t1);
    Files.writeString(file, vault.token("", new TokenSpec("prometheus", Duration.ZERO, Duration.ZERO, false)));
    h.advance(Duration.ofHours(1));
    assertThat(h.fetchFailures()).isZero();
    assertThat(h.status("prometheus/app#password").state()).isEqualTo(SecretState.SUCCESS);
  }

  @Test
  void theTokenCanComeFromAnotherProvider(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("vault-token"), vault.token("", new TokenSpec("prometheus", Duration.ZERO, Duration.ZERO, false)));
    Map<String, SecretReader> r = h.readers("global:\n  secret_providers:\n"
        + "  - name: files\n    file_sp_config: {base_dir: " + dir + "}\n"
        + "  - name: vault\n    vault_sp_config:\n      address: " + vault.address() + "\n"
        + "      auth: {token_ref: {files: vault-token}}\n"
        + "  - name: vault2\n    vault_sp_config:\n      address: " + vault.address() + "\n"
        + "      auth: {token: {file: " + dir.resolve("vault-token") + "}}\n"
        + "secrets:\n  a_ref: {vault: 'prometheus/app#password'}\n  b_ref: {vault2: 'prometheus/app#user'}\n");
    assertThat(r.get("a").current().reveal()).isEqualTo("pw-1");
    assertThat(r.get("b").current().reveal()).isEqualTo("scraper");
  }

  @Test
  void noTokenAnywhereSaysSo() throws Exception {
    SecretReader r = h.readers("global:\n  secret_providers:\n  - name: vault\n    vault_sp_config:\n"
        + "      address: " + vault.address() + "\n"
        + "secrets:\n  p_ref: {vault: 'prometheus/app#password'}\n").get("p");
    assertThatThrownBy(r::current).hasMessage("waiting for secret prometheus/app#password from provider vault: Vault "
        + vault.address() + ": auth token (VAULT_TOKEN) failed: no auth is configured and VAULT_TOKEN is not set");
  }

  @Test
  void anUnreachableVaultIsUnavailable() throws Exception {
    String address = vault.address();
    vault.close();
    SecretReader r = h.readers(approleConfig("") + "secrets:\n  p_ref: {vault: 'prometheus/app#password'}\n").get("p");
    assertThatThrownBy(r::current).hasMessageStartingWith("waiting for secret prometheus/app#password from provider vault: Vault "
        + address + ": POST auth/approle/login failed: ConnectException");
  }
}
