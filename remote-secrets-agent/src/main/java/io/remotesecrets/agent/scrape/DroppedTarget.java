package io.remotesecrets.agent.scrape;

import io.remotesecrets.agent.model.Labels;

/** A discovered target that relabelling dropped (or whose labels are invalid), kept for the status page and API. */
public record DroppedTarget(String job, Labels discoveredLabels, String reason) {}
