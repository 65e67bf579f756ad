package dev.ideogate.ops;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * The gateway replicas seen alive, for the dashboard's overview: {@link RedisReplicaRegistry} (every replica writes a
 * heartbeat into one sorted set, ARCHITECTURE.md §7) or {@link LocalReplicaRegistry} (Redis off: this replica only).
 */
public interface ReplicaRegistry {
  /** One live replica and when its last heartbeat was written. */
  record Seen(String replica, Instant lastSeen) {
  }

  /** Begins this replica's heartbeats. */
  Future<Void> start();

  /** The live replicas, this one included, most recently seen first. */
  Future<List<Seen>> live();

  /** Stops the heartbeats and withdraws this replica. */
  Future<Void> close();
}
