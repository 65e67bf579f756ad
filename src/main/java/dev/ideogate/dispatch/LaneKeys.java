package dev.ideogate.dispatch;

/**
 * Redis names of a lane (ARCHITECTURE.md §8). A lane is named by its key fingerprint, never the key; the {@code {l:<fp>}}
 * hash tag keeps a lane's keys in one cluster slot, so its scripts run atomically on one node.
 */
record LaneKeys(String prefix) {
  LaneKeys {
    if (prefix == null || prefix.isBlank()) {
      throw new IllegalArgumentException("key prefix must not be empty");
    }
  }

  /** Zset: permit id → lease expiry (ms since epoch, Redis TIME). */
  String permits(String lane) {
    return prefix + ":{l:" + lane + "}:permits";
  }

  /** Hash: the lane's shared AIMD state. */
  String limit(String lane) {
    return prefix + ":{l:" + lane + "}:limit";
  }

  /** Pub/sub channel told whenever a slot of the lane is freed. */
  String freed(String lane) {
    return prefix + ":{l:" + lane + "}:freed";
  }
}
