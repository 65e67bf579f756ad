package dev.ideogate.batch;

import java.util.List;

/**
 * The Redis keys of batches (ARCHITECTURE.md §7 store table, §13). A batch's keys carry its team's hash tag
 * {@code {t:<team>}}, so one script changes them together; the set of open batches every replica looks at for work
 * has a tag of its own.
 */
final class BatchKeys {
  private final String prefix;

  BatchKeys(String prefix) {
    if (prefix == null || prefix.isBlank() || prefix.contains("{") || prefix.contains("}")) {
      throw new IllegalArgumentException("Redis key prefix must be non-blank and free of braces, got '" + prefix + "'");
    }
    this.prefix = prefix;
  }

  private String team(String team) {
    return prefix + ":{t:" + team + "}:";
  }

  String batch(String team, String id) {
    return team(team) + "batch:" + id;
  }

  /** KEYS of batch_lines.lua, in its order. */
  List<String> lines(String team, String id) {
    String batch = batch(team, id);
    return List.of(batch, batch + ":queue", batch + ":running", batch + ":leases", batch + ":holds",
        batch + ":results", open(team), batch + ":owners");
  }

  String results(String team, String id) {
    return batch(team, id) + ":results";
  }

  String index(String team) {
    return team(team) + "batches";
  }

  String open(String team) {
    return team(team) + "batches:open";
  }

  /**
   * Zset of members {@code <team>/<id>} by the end of their retention (ms): finished batches whose images the
   * retention sweeper deletes then.
   */
  String retention() {
    return prefix + ":{batches}:retention";
  }

  /**
   * String, set with a TTL: the retention sweeper that took the batch {@code member} ({@code <team>/<id>}) deletes
   * its images now; no other sweeper takes it until this expires.
   */
  String sweeping(String member) {
    return prefix + ":{batches}:sweeping:" + member;
  }

  /** Members {@code <team>/<id>}: every open batch of every team, where replicas look for lines. */
  String active() {
    return prefix + ":{batches}:active";
  }
}
