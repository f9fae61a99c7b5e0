package io.remotesecrets.http;

/** Every {@link OAuth2Test} scenario through {@code sendAsync}, the agent's path. */
class OAuth2AsyncTest extends OAuth2Test {
  @Override
  boolean async() {
    return true;
  }
}
