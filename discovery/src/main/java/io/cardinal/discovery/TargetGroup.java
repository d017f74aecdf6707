package io.cardinal.discovery;

import io.cardinal.tsdb.labels.Labels;
import java.util.List;

/**
 * Targets found by one discovery source (a static_configs entry or one file_sd file's entry): each
 * target's own labels (at least {@code __address__}) plus labels common to the group.
 */
public record TargetGroup(String source, List<Labels> targets, Labels labels) {
  public TargetGroup {
    targets = List.copyOf(targets);
  }

  public static TargetGroup ofAddresses(String source, List<String> addresses, Labels labels) {
    return new TargetGroup(
        source, addresses.stream().map(a -> Labels.of("__address__", a)).toList(), labels);
  }
}
