package io.remotesecrets.http;

import org.junit.jupiter.api.Tag;

/** Every {@link NodeExporterPeerTest} scenario through {@code sendAsync}, the agent's path. */
@Tag("peer")
class NodeExporterPeerAsyncTest extends NodeExporterPeerTest {
  @Override
  boolean async() {
    return true;
  }
}
