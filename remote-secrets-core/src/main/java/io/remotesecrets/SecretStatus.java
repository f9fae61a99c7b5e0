package io.remotesecrets;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One cached secret as shown on status pages and by {@code check config --fetch}: never its value.
 *
 * @param provider the provider's name (the type for map-form secrets)
 * @param type the provider type
 * @param ref the ref within the provider
 * @param state the metric state
 * @param lastSuccess when a value was last fetched; empty if never
 * @param lastError the last fetch error's message (provider, ref, cause); empty after a success
 * @param refreshInterval how often the value is refreshed
 * @param fingerprint {@link Secret#fingerprint()} of the current value; empty if none
 */
public record SecretStatus(
    String provider,
    String type,
    String ref,
    SecretState state,
    Optional<Instant> lastSuccess,
    Optional<String> lastError,
    Duration refreshInterval,
    Optional<String> fingerprint) {}
