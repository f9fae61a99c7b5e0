/**
 * Prometheus remote_write 1.0: a bounded, sharded, retrying queue per endpoint
 * ({@link io.remotesecrets.agent.remotewrite.RemoteWriteQueue}) that sends snappy-compressed
 * protobuf {@code WriteRequest}s through a pluggable {@link io.remotesecrets.agent.remotewrite.Sender}.
 */
package io.remotesecrets.agent.remotewrite;
