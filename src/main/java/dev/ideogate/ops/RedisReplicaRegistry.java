package dev.ideogate.ops;

import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.Reply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replica heartbeats in the sorted set {@code <prefix>:replicas} (ARCHITECTURE.md §7): member = replica id, score =
 * the last heartbeat in ms of Redis {@code TIME} (one clock for every replica), written every {@value #PERIOD_MS} ms.
 * A replica not heard of for {@value #STALE_PERIODS} periods is not counted, and trimmed at the next heartbeat; a
 * replica that stops cleanly withdraws itself at once. Only its own member is ever added, so the set stays as small
 * as the cluster.
 */
public final class RedisReplicaRegistry implements ReplicaRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(RedisReplicaRegistry.class);
  static final long PERIOD_MS = 2_000;
  static final int STALE_PERIODS = 3;
  private static final long STALE_MS = STALE_PERIODS * PERIOD_MS;

  private final Vertx vertx;
  private final RedisConnector redis;
  private final String key;
  private final String replica;
  private long timer = -1;

  /** @param redis shared with the other Redis stores of this gateway; not closed here */
  public RedisReplicaRegistry(Vertx vertx, RedisConnector redis, String keyPrefix, String replica) {
    this.vertx = vertx;
    this.redis = redis;
    this.key = keyPrefix + ":replicas";
    this.replica = replica;
  }

  @Override
  public Future<Void> start() {
    timer = vertx.setPeriodic(PERIOD_MS, id -> beat());
    return beat().recover(e -> Future.succeededFuture());
  }

  /** Writes this replica's heartbeat and trims the replicas gone quiet. */
  Future<Void> beat() {
    return redisNowMs()
        .compose(now -> redis.send("ZADD", key, Long.toString(now), replica)
            .compose(added -> redis.send("ZREMRANGEBYSCORE", key, "-inf", "(" + (now - STALE_MS))))
        .<Void>mapEmpty()
        .onFailure(e -> LOG.debug("replica heartbeat not written: {}", e.getClass().getSimpleName()));
  }

  @Override
  public Future<List<Seen>> live() {
    return redisNowMs().compose(now -> redis.send("ZRANGEBYSCORE", key, Long.toString(now - STALE_MS), "+inf"))
        .compose(members -> {
          List<String> ids = members.asStrings();
          if (ids.isEmpty()) {
            return Future.succeededFuture(List.<Seen>of());
          }
          List<String> args = new ArrayList<>(ids.size() + 1);
          args.add(key);
          args.addAll(ids);
          return redis.send("ZMSCORE", args).map(scores -> {
            List<Seen> seen = new ArrayList<>(ids.size());
            List<Reply> values = scores.asList();
            for (int i = 0; i < ids.size() && i < values.size(); i++) {
              if (!values.get(i).isNil()) {
                long ms = (long) Double.parseDouble(values.get(i).asString());
                seen.add(new Seen(ids.get(i), Instant.ofEpochMilli(ms)));
              }
            }
            seen.sort(Comparator.comparing(Seen::lastSeen).reversed().thenComparing(Seen::replica));
            return List.copyOf(seen);
          });
        });
  }

  /** Redis {@code TIME} in ms. */
  private Future<Long> redisNowMs() {
    return redis.send("TIME").map(time -> Long.parseLong(time.get(0).asString()) * 1000
        + Long.parseLong(time.get(1).asString()) / 1000);
  }

  @Override
  public Future<Void> close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return redis.send("ZREM", key, replica).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }
}
