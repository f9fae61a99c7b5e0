/**
 * The {@code vault} secret provider: secrets kept in a KV engine (version 1 or 2) of
 * HashiCorp Vault.
 *
 * <pre>{@code
 * global:
 *   secret_providers:
 *   - name: vault
 *     vault_sp_config:
 *       address: https://vault.example:8200   # default: $VAULT_ADDR
 *       namespace: team-a                     # Vault Enterprise; sent as X-Vault-Namespace
 *       mount: secret                         # the KV mount; default secret
 *       kv_version: 2                         # 1 or 2; default 2
 *       auth:                                 # one method; default: the token in $VAULT_TOKEN
 *         approle: {role_id: ..., secret_id_file: /run/vault/secret-id, mount: approle}
 *         # kubernetes: {role: prometheus, service_account_token_file: ..., mount: kubernetes}
 *         # token_file: /run/vault/token      (or token, token_ref, or the map form)
 *       tls_config: {ca_file: /etc/vault/ca.pem, server_name: vault.internal, insecure_skip_verify: false}
 *       refresh_interval: 30m
 * scrape_configs:
 * - job_name: a
 *   authorization:
 *     credentials_ref: {vault: 'prometheus/a#token'}   # <path>#<field>, path relative to the mount
 *   basic_auth:                                        # the map form of proposal 0047:
 *     username: user
 *     password: {vault: {address: "https://vault.example.com", path: "secret/data/prometheus/a", key: "password"}}
 * }</pre>
 *
 * <p><b>Refs</b> are {@code <path>#<field>}; the field may be left out when the secret has
 * exactly one. For KV version 2 the path may be written as {@code vault kv get} takes it
 * ({@code prometheus/a}) or as the API path ({@code data/prometheus/a}, or
 * {@code secret/data/prometheus/a} in the map form); a logical path that really starts with
 * {@code data/} must therefore be written {@code data/data/...}. In the map form the first
 * segment of {@code path} is the mount unless {@code mount} is given.
 *
 * <p><b>Reads.</b> Several fields of one path cost one read per refresh. Errors name the
 * address, namespace, path and field, never a value or a token, and map to the core's
 * reasons: HTTP 403 → permission denied, 404 or a missing field → not found, a sealed Vault
 * (503) and transport failures → unavailable. The manager then keeps the last good value
 * (state {@code stale}) and retries.
 *
 * <p><b>Tokens.</b> The provider logs in once, renews its token with
 * {@code auth/token/renew-self} at two thirds of its TTL, and logs in again (or re-reads a given
 * token) when renewal fails, when the token expires, or when Vault answers 403 and
 * {@code auth/token/lookup-self} shows the token itself is no longer valid; the read is then
 * repeated, so a lapsed token never surfaces as a failed fetch. Leased reads (KV version 1
 * with a {@code ttl}) are repeated at two thirds of the lease.
 *
 * <p><b>Why no Vault SDK.</b> The provider speaks Vault's HTTP API with the JDK's
 * {@link java.net.http.HttpClient} and reads its JSON with the YAML 1.2 parser the core
 * already uses: the few endpoints it needs (KV read, three logins, lookup-self, renew-self)
 * are small and stable, and a provider users add to a scraper should add no dependency.
 */
package io.remotesecrets.vault;
