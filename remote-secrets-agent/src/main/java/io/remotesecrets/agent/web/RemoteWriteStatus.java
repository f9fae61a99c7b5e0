package io.remotesecrets.agent.web;

/**
 * One remote_write queue as the status page shows it, from its {@code prometheus_remote_storage_*}
 * metrics.
 *
 * @param url the URL without credentials
 */
public record RemoteWriteStatus(String name, String url, double pending, double sent, double retried, double failed,
    double dropped) {}
