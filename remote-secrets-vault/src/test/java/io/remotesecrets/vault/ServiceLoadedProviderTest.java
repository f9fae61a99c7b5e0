package io.remotesecrets.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.remotesecrets.SecretManager;
import io.remotesecrets.SecretReader;
import io.remotesecrets.config.ConfigContext;
import io.remotesecrets.config.ConfigDocument;
import io.remotesecrets.config.ConfigMap;
import io.remotesecrets.config.SecretProviderFactories;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.vault.VaultDouble.TokenSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The production wiring on real time: the factory found by ServiceLoader, the system
 * environment, the manager's own threads and the provider's renewal thread, against the
 * {@link VaultDouble} (Vault 1.15 HTTP API).
 */
class ServiceLoadedProviderTest {

  @Test
  void loadsRenewsAndStopsItsThread() throws Exception {
    try (VaultDouble vault = new VaultDouble(Clock.systemUTC())) {
      vault.mount("", "secret", 2).policy("p", "secret/data/*").put("", "secret", "app", Map.of("password", "real-time"))
          // A 3 s TTL: renewed at 2 s, on the provider's own thread.
          .appRole("", "approle", "r", "s", new TokenSpec("p", Duration.ofSeconds(3), Duration.ZERO, true));
      ConfigDocument doc = ConfigDocument.parse("prometheus.yml", null, "global:\n  secret_providers:\n"
          + "  - name: vault\n    vault_sp_config:\n      address: " + vault.address() + "\n"
          + "      auth: {approle: {role_id: r, secret_id: s}}\n");
      ConfigContext ctx = new ConfigContext(doc, SecretProviderFactories.load());
      ConfigMap root = doc.root().asMap();
      root.map("global").get("secret_providers").ifPresent(ctx::declareProviders);
      doc.finish();
      var binding = ctx.providers().get("vault");
      try (SecretManager m = SecretManager.builder().build()) {
        SecretReader r = m.reader(new SecretSpec.FromProvider(binding, "app#password", Duration.ofHours(1)));
        assertThat(r.await(Duration.ofSeconds(10)).reveal()).isEqualTo("real-time");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (vault.count("POST [] auth/token/renew-self") == 0 && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(vault.count("POST [] auth/token/renew-self")).isPositive();
        assertThat(renewThreads()).isEqualTo(1);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (renewThreads() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(renewThreads()).as("closed with the manager").isZero();
    }
  }

  private static long renewThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("remote-secrets-vault-renew") && t.isAlive()).count();
  }
}
