package dev.ideogate.dispatch;

import dev.ideogate.api.RandomIds;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisClock;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.ideogate.redis.Reply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Permits shared by every replica (ARCHITECTURE.md §8): a lane's slots are leases in a Redis zset (permit id → expiry by
 * Redis TIME, as {@link RedisClock} samples it), taken and renewed by Lua and released by a plain ZREM, so the whole
 * deployment keeps each upstream key at most at its limit. A replica that dies leaves leases that expire and are
 * reclaimed when the lane looks full (or by a live permit's heartbeat). The AIMD limit lives beside the permits
 * ({@code lane_limit.lua}), so a 429 seen by one replica slows them all.
 *
 * <p>Wake-ups: a refused acquire announces a waiter on the lane's channel ({@link FreedSubscriber#WAITING}, at most
 * once per half {@link #CONTENDED_MS} from this replica); every replica that hears it counts the lane as contended
 * for {@link #CONTENDED_MS}, and while it does its releases publish on the channel, as does the release of a permit
 * that filled the lane. A replica that starts listening (a new lane, a reconnect) counts it as contended too, since
 * it may have missed an announcement. An uncontended release is one command.
 *
 * <p>Fail-closed: a Redis error or timeout fails the future (the lane answers 503). A permit whose release fails
 * simply expires with its lease.
 */
public final class RedisPermitStore implements PermitStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisPermitStore.class);
  /** How long one announced waiter keeps a lane contended on every replica that heard it. */
  public static final long CONTENDED_MS = 5_000;

  private final long contendedNs;

  private final RedisConnector redis;
  private final boolean ownsConnector;
  private final LaneKeys keys;
  private final long leaseMs;
  private final FreedSubscriber freed;
  private final AcquirePermitScript acquireScript = new AcquirePermitScript();
  private final RenewPermitScript renewScript = new RenewPermitScript();
  private final LaneLimitScript limitScript = new LaneLimitScript();
  // What the acquire of each held permit answered: its epoch (reported with its 429), whether its release must wake
  // the waiters, whether its success may raise the limit.
  private final Map<String, AcquirePermitScript.Result> held = new ConcurrentHashMap<>();
  // Freed channel → System.nanoTime() until which the lane counts as contended: a waiter was announced, or this
  // replica started listening lately and may have missed an announcement.
  private final Map<String, Long> contendedUntilNs = new ConcurrentHashMap<>();
  // Freed channel → System.nanoTime() of the last announcement this replica heard or made (its own throttle).
  private final Map<String, Long> announcedAtNs = new ConcurrentHashMap<>();

  /** A store with its own connection pool, closed with it. */
  public RedisPermitStore(Vertx vertx, RedisSettings settings, long leaseMs) {
    this(vertx, new RedisConnector(vertx, settings), settings, leaseMs, true, CONTENDED_MS);
  }

  /**
   * @param redis shared with the other Redis stores of this gateway; not closed here (the freed channel keeps its
   *     own connection: a subscribed connection takes no other command)
   */
  public RedisPermitStore(Vertx vertx, RedisConnector redis, RedisSettings settings, long leaseMs) {
    this(vertx, redis, settings, leaseMs, false, CONTENDED_MS);
  }

  /** @param contendedMs {@link #CONTENDED_MS}, shorter in tests that must see a lane stop counting as contended */
  RedisPermitStore(Vertx vertx, RedisConnector redis, RedisSettings settings, long leaseMs, boolean ownsConnector,
      long contendedMs) {
    if (leaseMs <= 0) {
      throw new IllegalArgumentException("permit lease must be > 0 ms, got " + leaseMs);
    }
    this.redis = redis;
    this.ownsConnector = ownsConnector;
    this.keys = new LaneKeys(settings.keyPrefix());
    this.leaseMs = leaseMs;
    this.contendedNs = contendedMs * 1_000_000L;
    this.freed = new FreedSubscriber(vertx, settings, this::markContended, this::markUnsure);
    for (LuaScript lua : List.of(acquireScript.lua(), renewScript.lua(), limitScript.lua())) {
      lua.preload(redis).onFailure(err -> LOG.debug("preloading {}.lua failed; it loads on first use", lua.name()));
    }
  }

  /** The store of {@code config}: its Redis and {@code upstream.permitLease}. */
  public static RedisPermitStore create(Vertx vertx, GatewayConfig config) {
    return new RedisPermitStore(vertx, RedisSettings.of(config.redis()), config.upstream().permitLease().toMillis());
  }

  @Override
  public Future<Permit> tryAcquire(String lane, int limit) {
    Permit permit = new Permit(lane, RandomIds.uuid());
    String channel = keys.freed(lane);
    // Announce only when this replica has not heard (or made) an announcement for half the window. Counted when
    // sent, so a lane's pipelined acquires carry one announcement between them, not one each.
    long now = System.nanoTime();
    Long announcedAt = announcedAtNs.get(channel);
    boolean announce = announcedAt == null || now - announcedAt > contendedNs / 2;
    AcquirePermitScript.Args args;
    try {
      args = new AcquirePermitScript.Args(lane, permit.id(), limit, leaseMs, redis.clock().nowMs(), announce);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (announce) {
      announcedAtNs.put(channel, now);
    }
    return acquireScript.run(redis, keys, args).transform(ar -> {
      if (ar.failed()) {
        // Redis may have taken it before the answer was lost: give it back, best effort (no wake-up: none was held)
        redis.send("ZREM", keys.permits(lane), permit.id());
        return Future.failedFuture(ar.cause());
      }
      AcquirePermitScript.Result result = ar.result();
      if (!result.admitted()) {
        if (announce) {
          markContended(channel); // heard back soon anyway; no second announcement meanwhile
        }
        freed.wakeAfter(channel, result.expiresInMs());
        return Future.succeededFuture(null);
      }
      if (announce) {
        announcedAtNs.remove(channel, now); // admitted, so it announced nothing: the next refusal may
      }
      held.put(permit.id(), result);
      return Future.succeededFuture(permit);
    });
  }

  /**
   * ZREM, one command; with a PUBLISH on the lane's channel behind it (same connection, same trip) when a waiter
   * was announced lately or this permit filled the lane. A spurious wake-up only costs a refused acquire.
   */
  @Override
  public Future<Void> release(Permit permit) {
    AcquirePermitScript.Result acquired = held.remove(permit.id());
    String channel = keys.freed(permit.lane());
    Future<Void> removed = redis.send("ZREM", keys.permits(permit.lane()), permit.id()).mapEmpty();
    if (acquired == null || acquired.filledTheLane() || contendedForNs(channel) > 0) {
      redis.send("PUBLISH", channel, "1")
          .onFailure(err -> LOG.debug("announcing a freed slot failed ({}); waiters poll", err.toString()));
    }
    return removed;
  }

  @Override
  public Future<Boolean> renew(Permit permit) {
    return renewScript.run(redis, keys, permit, leaseMs, redis.clock().nowMs()).onSuccess(live -> {
      if (!live && held.containsKey(permit.id())) { // not a heartbeat that crossed its own release
        LOG.warn("permit lease on lane {} expired while its call was still running (Redis out of reach for longer"
            + " than the lease?); the lane may briefly exceed its limit", permit.lane());
      }
    });
  }

  /** Live leases in the zset, across replicas (a dead replica's expired leases not yet reclaimed do not count). */
  @Override
  public Future<Integer> inFlight(String lane) {
    long nowMs = redis.clock().nowMs();
    return (nowMs == RedisClock.UNKNOWN ? redis.send("ZCARD", keys.permits(lane))
        : redis.send("ZCOUNT", keys.permits(lane), "(" + nowMs, "+inf")).map(Reply::asInt);
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
    AcquirePermitScript.Result acquired = held.get(permit.id());
    if (acquired == null) {
      return Future.failedFuture(new IllegalStateException("permit " + permit.id() + " is not held by this store"));
    }
    return updateLimit(permit.lane(), LaneLimitScript.Outcome.THROTTLED, acquired.epoch(), maxLimit);
  }

  /**
   * Call before releasing the permit. Reported to Redis only when the permit's acquire found the shared limit below
   * its cap: at the cap a success changes nothing, and the limit the acquire read is the answer (so the lane's view
   * follows a limit another replica lowered within one call, at no extra command).
   */
  @Override
  public Future<Integer> onSuccess(Permit permit, int maxLimit) {
    AcquirePermitScript.Result acquired = held.get(permit.id());
    if (acquired != null && !acquired.raisable()) {
      return Future.succeededFuture(Math.min(maxLimit, acquired.effectiveLimit()));
    }
    return updateLimit(permit.lane(), LaneLimitScript.Outcome.SUCCESS, -1, maxLimit);
  }

  @Override
  public Future<Void> close() {
    return ownsConnector ? freed.close().eventually(redis::close) : freed.close();
  }

  private Future<Integer> updateLimit(String lane, LaneLimitScript.Outcome outcome, long epoch, int maxLimit) {
    return limitScript.run(redis, keys, lane, outcome, epoch, maxLimit, redis.clock().nowMs())
        .map(LaneLimitScript.Result::effectiveLimit);
  }

  /** True while this replica counts {@code lane} as contended: its releases publish on the lane's channel. */
  boolean contended(String lane) {
    return contendedForNs(keys.freed(lane)) > 0;
  }

  /** A waiter was announced on {@code channel} (heard, or made by this replica): contended for a while. */
  private void markContended(String channel) {
    announcedAtNs.put(channel, System.nanoTime());
    markUnsure(channel);
  }

  /**
   * This replica just started listening on {@code channel}: an announcement made before went unheard, and its
   * maker does not announce again for half the window, so the lane counts as contended for a window, as if this
   * replica had heard it now. Unlike a heard announcement, it does not hold back this replica's own.
   */
  private void markUnsure(String channel) {
    contendedUntilNs.merge(channel, System.nanoTime() + contendedNs, Math::max);
  }

  /** How much longer the lane of {@code channel} counts as contended, in ns; ≤ 0 when it does not. */
  private long contendedForNs(String channel) {
    Long until = contendedUntilNs.get(channel);
    return until == null ? Long.MIN_VALUE / 2 : until - System.nanoTime();
  }
}
