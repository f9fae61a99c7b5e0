/** Prometheus relabelling ({@code relabel_configs}, {@code metric_relabel_configs}, {@code write_relabel_configs}). */
package io.remotesecrets.agent.relabel;
