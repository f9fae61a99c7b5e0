package io.remotesecrets.agent.config;

import java.util.List;
import java.util.Map;

/**
 * A group of targets sharing labels, as in a {@code static_configs} entry or a file_sd file.
 *
 * @param targets host:port addresses
 * @param labels labels of every target of the group
 * @param source where the group comes from ({@code 0} for the first static config, a file
 *     name and index for file_sd), as Prometheus names target group sources
 */
public record TargetGroup(List<String> targets, Map<String, String> labels, String source) {
  public TargetGroup {
    targets = List.copyOf(targets);
    labels = Map.copyOf(labels);
  }
}
