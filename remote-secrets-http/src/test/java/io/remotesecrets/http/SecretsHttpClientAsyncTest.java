package io.remotesecrets.http;

/** Every {@link SecretsHttpClientTest} scenario through {@code sendAsync}, the agent's path. */
class SecretsHttpClientAsyncTest extends SecretsHttpClientTest {
  @Override
  boolean async() {
    return true;
  }
}
