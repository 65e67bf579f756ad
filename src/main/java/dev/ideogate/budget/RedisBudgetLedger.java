package dev.ideogate.budget;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.ideogate.redis.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger shared by every replica: each operation is one Lua script on the team's keys (ARCHITECTURE.md §7), so the
 * check and the hold are atomic across replicas and the limit is exact.
 *
 * <p>When Redis fails or does not answer within the command timeout, the call fails with 503
 * {@code budget_store_unavailable}; with {@code redis.failMode: open} the composition root puts this ledger under
 * its fail-open rule (a local ledger while Redis is down, ARCHITECTURE.md §7). A Redis hold left unsettled expires
 * and is charged in full, which over-counts rather than under-counts.
 */
public final class RedisBudgetLedger implements BudgetLedger, AsyncHoldLedger, NamedHoldLedger {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBudgetLedger.class);

  private final RedisConnector redis;
  private final BudgetKeys keys;
  private final long holdLeaseMs;
  private final boolean ownsConnector;
  private final ReserveScript reserveScript = new ReserveScript();
  private final SettleScript settleScript = new SettleScript();
  private final ReleaseScript releaseScript = new ReleaseScript();
  private final HoldHeartbeat heartbeat;
  // Settle reports remaining against the team's limits, which only reserve and usage are given.
  private final Map<String, TeamBudget> latestBudgets = new ConcurrentHashMap<>();
  private final AtomicBoolean storeDown = new AtomicBoolean();

  /** A ledger with its own connection pool, closed with it. */
  public RedisBudgetLedger(Vertx vertx, RedisSettings settings, long holdLeaseMs) {
    this(new RedisConnector(vertx, settings), settings.keyPrefix(), holdLeaseMs, true);
  }

  /** @param redis shared with the other Redis stores of this gateway; not closed here */
  public RedisBudgetLedger(RedisConnector redis, String keyPrefix, long holdLeaseMs) {
    this(redis, keyPrefix, holdLeaseMs, false);
  }

  private RedisBudgetLedger(RedisConnector redis, String keyPrefix, long holdLeaseMs, boolean ownsConnector) {
    if (holdLeaseMs <= 0) {
      throw new IllegalArgumentException("hold lease must be > 0 ms, got " + holdLeaseMs);
    }
    this.redis = redis;
    this.ownsConnector = ownsConnector;
    this.keys = new BudgetKeys(keyPrefix);
    this.holdLeaseMs = holdLeaseMs;
    this.heartbeat = new HoldHeartbeat(redis, keys, holdLeaseMs);
    for (LuaScript lua : List.of(reserveScript.lua(), settleScript.lua(), releaseScript.lua())) {
      lua.preload(redis).onFailure(err -> LOG.debug("preloading {}.lua failed; it loads on first use", lua.name()));
    }
  }

  /** A hold of the request path: renewed by the heartbeat until it is settled or released. */
  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd) {
    return reserve(team, window, costMicroUsd, holdLeaseMs).onSuccess(heartbeat::track);
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
        : unavailable(outcome.cause()));
  }

  @Override
  public Future<Settlement> settle(Hold hold, long chargeMicroUsd, int images) {
    heartbeat.forget(hold);
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
        : unavailable(outcome.cause()));
  }

  @Override
  public Future<Void> release(Hold hold) {
    heartbeat.forget(hold);
    return releaseScript.run(redis, keys, new ReleaseScript.Args(hold.team(), hold.id()))
        .transform(outcome -> outcome.succeeded() ? answered(Future.<Void>succeededFuture())
            : unavailable(outcome.cause()));
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
        : unavailable(outcome.cause()));
  }

  /** One MGET of the team's day counters (one slot), spend keys then image keys. */
  @Override
  public Future<List<DaySpend>> spentByDay(String team, List<String> days) {
    if (days.size() > MAX_DAYS_READ) {
      return Future.failedFuture(new IllegalArgumentException(
          "at most " + MAX_DAYS_READ + " days per read, asked for " + days.size()));
    }
    if (days.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<String> dayKeys = new ArrayList<>(days.size() * 2);
    days.forEach(day -> dayKeys.add(keys.spentDay(team, day)));
    days.forEach(day -> dayKeys.add(keys.imagesDay(team, day)));
    return redis.send("MGET", dayKeys).transform(outcome -> {
      if (outcome.failed()) {
        return unavailable(outcome.cause());
      }
      List<DaySpend> spent = new ArrayList<>(days.size());
      for (int i = 0; i < days.size(); i++) {
        spent.add(new DaySpend(days.get(i), longAt(outcome.result(), i), longAt(outcome.result(), days.size() + i)));
      }
      return answered(Future.succeededFuture(spent));
    });
  }

  @Override
  public Future<Void> ping() {
    return redis.ping().recover(err -> Future.failedFuture(storeUnavailable()));
  }

  /** Stops renewing this ledger's holds, as a dead replica would (tests of expiry; {@link #close} does it too). */
  void stopRenewing() {
    heartbeat.stop();
  }

  @Override
  public Future<Void> close() {
    heartbeat.stop();
    return ownsConnector ? redis.close() : Future.succeededFuture();
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

  @Override
  public boolean storeDown() {
    return storeDown.get();
  }

  private <T> Future<T> unavailable(Throwable cause) {
    if (storeDown.compareAndSet(false, true)) {
      LOG.warn("budget store unavailable: Redis did not answer ({})", cause.toString());
    }
    return Future.failedFuture(storeUnavailable());
  }

  private static GatewayException storeUnavailable() {
    return new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE,
        "budget store unavailable: the budget cannot be confirmed, retry shortly", 1L);
  }
}
