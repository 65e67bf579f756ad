package dev.ideogate.dispatch;

import dev.ideogate.config.GatewayConfig;
import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.ideogate.redis.Reply;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Permits shared by every replica (ARCHITECTURE.md §8): a lane's slots are leases in a Redis zset (permit id → expiry by
 * Redis TIME), taken, renewed and released by Lua, so the whole deployment keeps each upstream key at most at its
 * limit. A replica that dies leaves leases that expire and are reclaimed by the next acquire. Releases publish on
 * the lane's freed channel, which {@link FreedSubscriber} turns into wake-ups on every replica. The AIMD limit lives
 * beside the permits ({@code lane_limit.lua}), so a 429 seen by one replica slows them all.
 *
 * <p>Fail-closed: a Redis error or timeout fails the future (the lane answers 503). A permit whose release fails
 * simply expires with its lease.
 */
public final class RedisPermitStore implements PermitStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisPermitStore.class);

  private final RedisConnector redis;
  private final boolean ownsConnector;
  private final LaneKeys keys;
  private final long leaseMs;
  private final FreedSubscriber freed;
  private final AcquirePermitScript acquireScript = new AcquirePermitScript();
  private final ReleasePermitScript releaseScript = new ReleasePermitScript();
  private final RenewPermitScript renewScript = new RenewPermitScript();
  private final LaneLimitScript limitScript = new LaneLimitScript();
  // The AIMD epoch each held permit was granted in, reported with its 429.
  private final Map<String, Long> epochs = new ConcurrentHashMap<>();

  /** A store with its own connection pool, closed with it. */
  public RedisPermitStore(Vertx vertx, RedisSettings settings, long leaseMs) {
    this(vertx, new RedisConnector(vertx, settings), settings, leaseMs, true);
  }

  /**
   * @param redis shared with the other Redis stores of this gateway; not closed here (the freed channel keeps its
   *     own connection: a subscribed connection takes no other command)
   */
  public RedisPermitStore(Vertx vertx, RedisConnector redis, RedisSettings settings, long leaseMs) {
    this(vertx, redis, settings, leaseMs, false);
  }

  private RedisPermitStore(Vertx vertx, RedisConnector redis, RedisSettings settings, long leaseMs,
      boolean ownsConnector) {
    if (leaseMs <= 0) {
      throw new IllegalArgumentException("permit lease must be > 0 ms, got " + leaseMs);
    }
    this.redis = redis;
    this.ownsConnector = ownsConnector;
    this.keys = new LaneKeys(settings.keyPrefix());
    this.leaseMs = leaseMs;
    this.freed = new FreedSubscriber(vertx, settings);
    for (LuaScript lua : List.of(acquireScript.lua(), releaseScript.lua(), renewScript.lua(), limitScript.lua())) {
      lua.preload(redis).onFailure(err -> LOG.debug("preloading {}.lua failed; it loads on first use", lua.name()));
    }
  }

  /** The store of {@code config}: its Redis and {@code upstream.permitLease}. */
  public static RedisPermitStore create(Vertx vertx, GatewayConfig config) {
    return new RedisPermitStore(vertx, RedisSettings.of(config.redis()), config.upstream().permitLease().toMillis());
  }

  @Override
  public Future<Permit> tryAcquire(String lane, int limit) {
    Permit permit = new Permit(lane, UUID.randomUUID().toString());
    AcquirePermitScript.Args args;
    try {
      args = new AcquirePermitScript.Args(lane, permit.id(), limit, leaseMs);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return acquireScript.run(redis, keys, args).transform(ar -> {
      if (ar.failed()) {
        release(permit); // Redis may have taken it before the answer was lost: give it back, best effort
        return Future.failedFuture(ar.cause());
      }
      AcquirePermitScript.Result result = ar.result();
      if (!result.admitted()) {
        freed.wakeAfter(keys.freed(lane), result.expiresInMs());
        return Future.succeededFuture(null);
      }
      epochs.put(permit.id(), result.epoch());
      return Future.succeededFuture(permit);
    });
  }

  @Override
  public Future<Void> release(Permit permit) {
    epochs.remove(permit.id());
    return releaseScript.run(redis, keys, permit).mapEmpty();
  }

  @Override
  public Future<Boolean> renew(Permit permit) {
    return renewScript.run(redis, keys, permit, leaseMs).onSuccess(live -> {
      if (!live && epochs.containsKey(permit.id())) { // not a heartbeat that crossed its own release
        LOG.warn("permit lease on lane {} expired while its call was still running (Redis out of reach for longer"
            + " than the lease?); the lane may briefly exceed its limit", permit.lane());
      }
    });
  }

  /** Leases in the zset, across replicas; expired leases not yet reclaimed still count. */
  @Override
  public Future<Integer> inFlight(String lane) {
    return redis.send("ZCARD", keys.permits(lane)).map(Reply::asInt);
  }

  @Override
  public void onFreed(String lane, Runnable wake) {
    freed.subscribe(keys.freed(lane), wake);
  }

  @Override
  public Future<Integer> effectiveLimit(String lane, int localLimit) {
    return redis.send("HGET", keys.limit(lane), "limit")
        .map(value -> value.isNil() ? localLimit : Math.min(localLimit, value.asInt()));
  }

  /** Call before releasing the permit: its epoch is forgotten on release. */
  @Override
  public Future<Integer> onThrottled(Permit permit, int maxLimit) {
    Long epoch = epochs.get(permit.id());
    if (epoch == null) {
      return Future.failedFuture(new IllegalStateException("permit " + permit.id() + " is not held by this store"));
    }
    return updateLimit(permit.lane(), LaneLimitScript.Outcome.THROTTLED, epoch, maxLimit);
  }

  /** A success needs no epoch: it may come after the release. */
  @Override
  public Future<Integer> onSuccess(Permit permit, int maxLimit) {
    return updateLimit(permit.lane(), LaneLimitScript.Outcome.SUCCESS, -1, maxLimit);
  }

  @Override
  public Future<Void> close() {
    return ownsConnector ? freed.close().eventually(redis::close) : freed.close();
  }

  private Future<Integer> updateLimit(String lane, LaneLimitScript.Outcome outcome, long epoch, int maxLimit) {
    return limitScript.run(redis, keys, lane, outcome, epoch, maxLimit).map(LaneLimitScript.Result::effectiveLimit);
  }
}
