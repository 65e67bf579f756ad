package dev.ideogate.budget;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.ideogate.redis.Reply;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger shared by every replica: each operation is one Lua script on the team's keys (ARCHITECTURE.md §7), so the
 * check and the hold are atomic across replicas and the limit is exact.
 *
 * <p>When Redis fails or does not answer within the command timeout: fail-closed (default) fails the call with
 * 503 {@code budget_store_unavailable}; fail-open, an explicit choice, reserves in a local in-memory ledger
 * instead, which keeps this replica alone within each team's limit (N replicas may together spend up to N
 * limits during the outage). Settle, release and usage never fall back: a Redis hold left unsettled expires and is
 * charged in full, which over-counts rather than under-counts.
 */
public final class RedisBudgetLedger implements BudgetLedger, AsyncHoldLedger, NamedHoldLedger {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBudgetLedger.class);
  private static final String LOCAL_HOLD_PREFIX = "local-";

  private final RedisConnector redis;
  private final BudgetKeys keys;
  private final long holdLeaseMs;
  private final InMemoryBudgetLedger fallback;
  private final ReserveScript reserveScript = new ReserveScript();
  private final SettleScript settleScript = new SettleScript();
  private final ReleaseScript releaseScript = new ReleaseScript();
  // Settle reports remaining against the team's limits, which only reserve and usage are given.
  private final Map<String, TeamBudget> latestBudgets = new ConcurrentHashMap<>();
  private final AtomicBoolean storeDown = new AtomicBoolean();

  public RedisBudgetLedger(Vertx vertx, RedisSettings settings, long holdLeaseMs, Clock clock) {
    if (holdLeaseMs <= 0) {
      throw new IllegalArgumentException("hold lease must be > 0 ms, got " + holdLeaseMs);
    }
    this.redis = new RedisConnector(vertx, settings);
    this.keys = new BudgetKeys(settings.keyPrefix());
    this.holdLeaseMs = holdLeaseMs;
    this.fallback = settings.failOpen()
        ? new InMemoryBudgetLedger(clock::millis, holdLeaseMs, LOCAL_HOLD_PREFIX)
        : null;
    for (LuaScript lua : List.of(reserveScript.lua(), settleScript.lua(), releaseScript.lua())) {
      lua.preload(redis).onFailure(err -> LOG.debug("preloading {}.lua failed; it loads on first use", lua.name()));
    }
  }

  public static RedisBudgetLedger create(Vertx vertx, GatewayConfig.Redis config, Clock clock) {
    return new RedisBudgetLedger(vertx, RedisSettings.of(config), config.holdLease().toMillis(), clock);
  }

  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd) {
    return reserve(team, window, costMicroUsd, holdLeaseMs);
  }

  @Override
  public Future<Settlement> settle(TeamBudget team, Hold hold, long chargeMicroUsd, int images) {
    latestBudgets.put(team.team(), team);
    return settle(hold, chargeMicroUsd, images);
  }

  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, long leaseMs) {
    return reserve(team, window, costMicroUsd, leaseMs, UUID.randomUUID().toString());
  }

  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, String holdId) {
    return reserve(team, window, costMicroUsd, holdLeaseMs, holdId);
  }

  private Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, long leaseMs,
      String holdId) {
    latestBudgets.put(team.team(), team);
    ReserveScript.Args args;
    try {
      args = new ReserveScript.Args(team.team(), window, holdId, costMicroUsd,
          team.dailyLimitMicroUsd(), team.monthlyLimitMicroUsd(), leaseMs);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return reserveScript.run(redis, keys, args).transform(outcome -> outcome.succeeded()
        ? answered(toHold(args, outcome.result()))
        : unavailable(outcome.cause(), () -> fallback.reserve(team, window, costMicroUsd)));
  }

  @Override
  public Future<Settlement> settle(Hold hold, long chargeMicroUsd, int images) {
    if (fallback != null && fallback.issued(hold)) {
      return fallback.settle(hold, chargeMicroUsd, images);
    }
    TeamBudget team = latestBudgets.get(hold.team());
    SettleScript.Args args;
    try {
      if (team == null) {
        throw new IllegalArgumentException("hold " + hold.id() + " was not issued by this ledger");
      }
      args = new SettleScript.Args(hold.team(), hold.window(), hold.id(), chargeMicroUsd, images,
          team.dailyLimitMicroUsd(), team.monthlyLimitMicroUsd());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return settleScript.run(redis, keys, args).transform(outcome -> outcome.succeeded()
        ? answered(Future.succeededFuture(outcome.result()))
        : unavailable(outcome.cause(), null));
  }

  @Override
  public Future<Void> release(Hold hold) {
    if (fallback != null && fallback.issued(hold)) {
      return fallback.release(hold);
    }
    return releaseScript.run(redis, keys, new ReleaseScript.Args(hold.team(), hold.id()))
        .transform(outcome -> outcome.succeeded() ? answered(Future.<Void>succeededFuture()) : unavailable(
            outcome.cause(), null));
  }

  /** Plain MGET: all the team's keys share a slot. Expired holds not yet reclaimed still count as held. */
  @Override
  public Future<TeamUsage> usage(TeamBudget team, BudgetWindow window) {
    latestBudgets.put(team.team(), team);
    String id = team.team();
    List<String> usageKeys = List.of(
        keys.spentDay(id, window.day()),
        keys.imagesDay(id, window.day()),
        keys.spentMonth(id, window.month()),
        keys.imagesMonth(id, window.month()),
        keys.held(id),
        keys.holdsExpired(id));
    return redis.send("MGET", usageKeys).transform(outcome -> outcome.succeeded()
        ? answered(Future.succeededFuture(toUsage(team, window, outcome.result())))
        : unavailable(outcome.cause(), null));
  }

  @Override
  public Future<Void> ping() {
    return redis.ping().recover(err -> Future.failedFuture(storeUnavailable()));
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }

  private static Future<Hold> toHold(ReserveScript.Args args, ReserveScript.Result result) {
    if (!result.admitted()) {
      return Future.failedFuture(BudgetRefusal.of(args.team(), result.refusedBy(), args.window(),
          result.remainingMicroUsd(), args.amountMicroUsd()).toException());
    }
    return Future.succeededFuture(new Hold(args.holdId(), args.team(), args.window(), args.amountMicroUsd(),
        result.remainingMicroUsd()));
  }

  private static TeamUsage toUsage(TeamBudget team, BudgetWindow window, Reply values) {
    return new TeamUsage(team.team(), window.day(), team.dailyLimitMicroUsd(), longAt(values, 0), longAt(values, 1),
        window.month(), team.monthlyLimitMicroUsd(), longAt(values, 2), longAt(values, 3), longAt(values, 4),
        longAt(values, 5));
  }

  private static long longAt(Reply values, int index) {
    return values.get(index).asLong();
  }

  private <T> Future<T> answered(Future<T> outcome) {
    if (storeDown.compareAndSet(true, false)) {
      LOG.info("budget store answers again: budgets are enforced across all replicas");
    }
    return outcome;
  }

  private <T> Future<T> unavailable(Throwable cause, Supplier<Future<T>> failOpen) {
    boolean open = failOpen != null && fallback != null;
    if (storeDown.compareAndSet(false, true)) {
      if (open) {
        LOG.warn("BUDGET STORE UNAVAILABLE, FAILING OPEN: Redis did not answer ({}); each replica now enforces"
            + " team budgets alone with a local ledger, so together replicas may exceed a team's limit",
            cause.toString());
      } else {
        LOG.warn("budget store unavailable: Redis did not answer ({}); reservations fail with 503 until it does",
            cause.toString());
      }
    }
    return open ? failOpen.get() : Future.failedFuture(storeUnavailable());
  }

  private static GatewayException storeUnavailable() {
    return new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE,
        "budget store unavailable: the budget cannot be confirmed, retry shortly", 1L);
  }
}
