package io.remotesecrets.vault;

import io.remotesecrets.Scheduler;
import io.remotesecrets.SecretReader;
import io.remotesecrets.SecretUnavailableException;
import io.remotesecrets.config.SecretSpec;
import io.remotesecrets.spi.ProviderContext;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretFetchException.Reason;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretProviderConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * One Vault connection: where, which KV mount, how to authenticate. Value equality, so that
 * map-form secrets naming the same Vault share one provider (one login, one token).
 *
 * @param address the server, {@code https://vault.example:8200}, without a trailing slash
 * @param namespace the Enterprise namespace sent as {@code X-Vault-Namespace}, if any
 * @param mount the KV engine's mount path, without slashes ({@code secret})
 * @param kvVersion 1 or 2
 */
record VaultConfig(URI address, Optional<String> namespace, String mount, int kvVersion, VaultAuth auth,
    VaultTls tls, VaultEnvironment environment) implements SecretProviderConfig {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration NESTED_TIMEOUT = Duration.ofSeconds(30);

  @Override
  public SecretProvider load(ProviderContext context) throws SecretFetchException {
    String where = "Vault " + address;
    SecretReader tokenSource = null;
    SecretReader roleId = null;
    SecretReader secretId = null;
    if (auth instanceof VaultAuth.Token t && t.source().isPresent()) tokenSource = context.reader(t.source().get());
    if (auth instanceof VaultAuth.AppRole a) {
      roleId = context.reader(a.roleId());
      secretId = context.reader(a.secretId());
    }
    HttpClient.Builder client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        // A standby's redirect would carry X-Vault-Token to whatever host it names.
        .followRedirects(HttpClient.Redirect.NEVER);
    if (address.getScheme().equals("https") && !tls.equals(VaultTls.DEFAULT)) {
      String caPem = null;
      if (tls.ca().isPresent()) {
        SecretSpec ca = tls.ca().get();
        try {
          caPem = context.reader(ca).await(NESTED_TIMEOUT).reveal();
        } catch (SecretUnavailableException e) {
          throw new SecretFetchException(Reason.UNAVAILABLE, where + ": cannot read tls_config.ca: " + e.getMessage(), e);
        }
      }
      try {
        SSLContext ssl = tls.sslContext(caPem);
        client.sslContext(ssl);
      } catch (GeneralSecurityException e) {
        throw new SecretFetchException(Reason.UNAVAILABLE, where + ": invalid tls_config: " + e.getMessage(), e);
      }
    }
    VaultHttp http = new VaultHttp(address, namespace, client.build(), context.clock());
    Scheduler scheduler = environment.newScheduler();
    VaultSession session = new VaultSession(http, auth, context.clock(), scheduler, environment, tokenSource, roleId, secretId);
    return new VaultSecretProvider(this, http, session, scheduler, context.clock());
  }

  @Override
  public void checkRef(String ref) {
    VaultRef.parse(ref);
  }

  /**
   * The API path of a ref's path. For KV version 2, {@code data/} is inserted after the mount;
   * a path that already starts with {@code data/} is taken as the API path, so that refs copied
   * from {@code curl} or from proposal 0047's example work too.
   */
  String apiPath(String refPath) {
    if (kvVersion == 1) return mount + "/" + refPath;
    String logical = refPath.startsWith("data/") ? refPath.substring("data/".length()) : refPath;
    return mount + "/data/" + logical;
  }
}
