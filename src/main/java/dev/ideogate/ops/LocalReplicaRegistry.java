package dev.ideogate.ops;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;

/** Without Redis a replica sees only itself. */
public final class LocalReplicaRegistry implements ReplicaRegistry {
  private final String replica;
  private final Clock clock;

  public LocalReplicaRegistry(String replica, Clock clock) {
    this.replica = replica;
    this.clock = clock;
  }

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<List<Seen>> live() {
    return Future.succeededFuture(List.of(new Seen(replica, clock.instant())));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
