package dev.ideogate.budget;

import dev.ideogate.api.RandomIds;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.redis.LuaScript;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.ideogate.redis.Reply;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
public final class RedisBudgetLedger implements BudgetLedger, AsyncHoldLedger, NamedHoldLedger, RateCheckedLedger {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBudgetLedger.class);

  private final RedisConnector redis;
  private final BudgetKeys keys;
  private final long holdLeaseMs;
  private final boolean ownsConnector;
  private final ReserveScript reserveScript = new ReserveScript();
  private final SettleScript settleScript = new SettleScript();
  private final ReleaseScript releaseScript = new ReleaseScript();
  private final HoldReclaimScript reclaimScript = new HoldReclaimScript();
  private final HoldHeartbeat heartbeat;
  private final ImageCounts images;
  // Settle reports remaining against the team's limits, which only reserve and usage are given.
  private final Map<String, TeamBudget> latestBudgets = new ConcurrentHashMap<>();
  private final AtomicBoolean storeDown = new AtomicBoolean();
  private final SpentFloors floors = new SpentFloors();
  private final Set<Future<Settlement>> settling = ConcurrentHashMap.newKeySet();
  /** The last tat (µs) of each rate bucket seen in a reserve answer, {@code <team>/<bucket>} → tat. */
  private final Map<String, Long> knownTatsUs = new ConcurrentHashMap<>();
  private static final int KNOWN_TATS_PRUNE_ABOVE = 10_000;

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
    this.heartbeat = new HoldHeartbeat(redis, keys, holdLeaseMs, reclaimScript);
    this.images = new ImageCounts(redis, keys);
    // hold_reclaim.lua is not preloaded: it runs off the request path and loads on first use (NOSCRIPT, then EVAL).
    for (LuaScript lua : List.of(reserveScript.lua(), settleScript.lua(), releaseScript.lua())) {
      lua.preload(redis).onFailure(err -> LOG.debug("preloading {}.lua failed; it loads on first use", lua.name()));
    }
  }

  /**
   * Every third of the hold lease, charges the expired holds of {@code teams} (the configured teams): a dead
   * replica's holds are charged within a lease and a third even when no request comes (ARCHITECTURE.md §7).
   */
  public void reapHoldsOf(Supplier<? extends Collection<String>> teams) {
    heartbeat.reap(teams);
  }

  /** A hold of the request path: renewed by the heartbeat until it is settled or released. */
  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd) {
    return reserve(team, window, costMicroUsd, holdLeaseMs).onSuccess(heartbeat::track);
  }

  /** The rate buckets and the hold in one {@code reserve.lua} (ARCHITECTURE.md §2 step 10). */
  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, RateCheck rate,
      Consumer<RateCheck.Outcome> onRate) {
    return reserve(team, window, costMicroUsd, holdLeaseMs, rate, onRate).onSuccess(heartbeat::track);
  }

  /** An async generation's hold: its own lease, never renewed. */
  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, long leaseMs, RateCheck rate,
      Consumer<RateCheck.Outcome> onRate) {
    return reserve(team, window, costMicroUsd, leaseMs, RandomIds.uuid(), rate, onRate);
  }

  private void remember(String team, RateCheck rate, RateCheck.Outcome outcome) {
    if (outcome == null) {
      return;
    }
    if (knownTatsUs.size() > KNOWN_TATS_PRUNE_ABOVE) {
      long now = nowUs();
      knownTatsUs.values().removeIf(tat -> tat <= now);
    }
    for (int i = 0; i < rate.buckets().size(); i++) {
      knownTatsUs.merge(team + "/" + rate.buckets().get(i), outcome.tatsUs().get(i), Math::max);
    }
  }

  @Override
  public long knownTatUs(String team, String bucket) {
    return knownTatsUs.getOrDefault(team + "/" + bucket, 0L);
  }

  @Override
  public long nowUs() {
    long nowMs = redis.clock().nowMs();
    return nowMs < 0 ? -1 : nowMs * 1000;
  }

  @Override
  public Future<Settlement> settle(TeamBudget team, Hold hold, long chargeMicroUsd, int images) {
    latestBudgets.put(team.team(), team);
    return settle(hold, chargeMicroUsd, images);
  }

  /**
   * A new hold. A team whose last refusal (within a second) already leaves less than the cost under its limit is
   * refused here, without a round trip: Redis would refuse it too ({@link SpentFloors}). Not on the rate-checked
   * path, where Redis' refusal also spends the request's rate token.
   */
  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, long leaseMs) {
    BudgetRefusal known = floors.refusal(team, window, costMicroUsd, System.nanoTime());
    if (known != null) {
      return Future.failedFuture(known.toException());
    }
    return reserve(team, window, costMicroUsd, leaseMs, RandomIds.uuid());
  }

  /**
   * Batch lines, off the interactive path: a line taken over knows its hold id, not the window (nor, to the µUSD,
   * the amount) the replica before it reserved in, so the hold's member is found first with ZSCAN … MATCH
   * {@code <id>|*} and reserved again as it is (ZADD NX: nothing more held); none found, it is reserved anew.
   */
  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, String holdId) {
    return findHold(team.team(), holdId, "0").transform(found -> {
      if (found.failed()) {
        return unavailable(found.cause());
      }
      Hold open = found.result();
      return open == null ? reserve(team, window, costMicroUsd, holdLeaseMs, holdId)
          : reserve(team, open.window(), open.amountMicroUsd(), holdLeaseMs, holdId);
    }).onSuccess(heartbeat::track); // a batch line's call may outlive the lease, like a request's
  }

  @Override
  public void abandon(Hold hold) {
    heartbeat.forget(hold);
  }

  /** The open hold {@code holdId} of {@code team}, or null: ZSCAN of the team's holds from {@code cursor}. */
  private Future<Hold> findHold(String team, String holdId, String cursor) {
    String pattern = holdId.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "|*";
    return redis.send("ZSCAN", keys.holds(team), cursor, "MATCH", pattern, "COUNT", "1000").compose(page -> {
      List<String> entries = page.get(1).asStrings(); // member, score, member, score, ...
      for (int i = 0; i < entries.size(); i += 2) {
        Hold hold = keys.holdOf(team, entries.get(i), 0);
        if (hold != null && hold.id().equals(holdId)) {
          return Future.succeededFuture(hold);
        }
      }
      String next = page.get(0).asString();
      return "0".equals(next) ? Future.succeededFuture(null) : findHold(team, holdId, next);
    });
  }

  private Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, long leaseMs,
      String holdId) {
    return reserve(team, window, costMicroUsd, leaseMs, holdId, null, outcome -> { });
  }

  /** Every reservation: the rate buckets first when {@code rate} is not null, then the hold. */
  private Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, long leaseMs,
      String holdId, RateCheck rate, Consumer<RateCheck.Outcome> onRate) {
    latestBudgets.put(team.team(), team);
    ReserveScript.Args args;
    try {
      args = new ReserveScript.Args(team.team(), window, holdId, costMicroUsd,
          team.dailyLimitMicroUsd(), team.monthlyLimitMicroUsd(), leaseMs, redis.clock().nowMs());
      keys.checkHold(team.team(), holdId); // a bad id or team fails here, not inside run
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return reserveScript.run(redis, keys, args, rate).transform(outcome -> {
      if (outcome.failed()) {
        return unavailable(outcome.cause());
      }
      ReserveScript.Result result = outcome.result();
      if (rate != null) {
        remember(team.team(), rate, result.rate());
        onRate.accept(result.rate());
        if (result.rateRefused()) {
          return answered(Future.<Hold>failedFuture(new RateCheck.Refused(result.rate())));
        }
      }
      return reclaimOrAnswer(args, result, true);
    });
  }

  /**
   * Admission never reclaims (ARCHITECTURE.md §2): a refusal while the team has expired holds charges them
   * ({@code hold_reclaim.lua}) and tries once more, without the rate buckets (the first answer spent the token), so
   * holds a dead replica left never refuse a request. Every budget refusal teaches the spend floor.
   */
  private Future<Hold> reclaimOrAnswer(ReserveScript.Args args, ReserveScript.Result result, boolean mayReclaim) {
    ReserveScript.Read read = result.read();
    if (read != null) {
      floors.refused(args.team(), args.window(), read.spentDayMicroUsd(), read.spentMonthMicroUsd(),
          read.heldMicroUsd(), System.nanoTime());
    }
    if (result.admitted() || !result.expiredHolds() || !mayReclaim) {
      return answered(toHold(args, result));
    }
    return reclaimScript.run(redis, keys, args.team(), args.nowMs())
        .compose(reclaimed -> reserveScript.run(redis, keys, args))
        .transform(retried -> retried.failed()
            ? unavailable(retried.cause())
            : reclaimOrAnswer(args, retried.result(), false));
  }

  /** The images of a hold this call settled are counted in memory and flushed within a second ({@link ImageCounts}). */
  @Override
  public Future<Settlement> settle(Hold hold, long chargeMicroUsd, int imageCount) {
    heartbeat.forget(hold);
    TeamBudget team = latestBudgets.get(hold.team());
    SettleScript.Args args;
    try {
      if (team == null) {
        throw new IllegalArgumentException("hold " + hold.id() + " was not issued by this ledger");
      }
      if (imageCount < 0) {
        throw new IllegalArgumentException("images must be ≥ 0, got " + imageCount);
      }
      keys.checkHold(hold.team(), hold.id());
      args = new SettleScript.Args(hold, chargeMicroUsd, team.dailyLimitMicroUsd(), team.monthlyLimitMicroUsd());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Future<Settlement> settled = settleScript.run(redis, keys, args).transform(outcome -> {
      if (outcome.failed()) {
        return unavailable(outcome.cause());
      }
      if (outcome.result().settled()) {
        images.add(hold.team(), hold.window(), imageCount);
      }
      return answered(Future.succeededFuture(outcome.result().settlement()));
    });
    // The request path answers before the settle's reply (ARCHITECTURE.md §2): closing waits for it.
    settling.add(settled);
    settled.onComplete(done -> settling.remove(settled));
    return settled;
  }

  @Override
  public Future<Void> release(Hold hold) {
    heartbeat.forget(hold);
    try {
      keys.checkHold(hold.team(), hold.id());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return releaseScript.run(redis, keys, hold)
        .transform(outcome -> outcome.succeeded() ? answered(Future.<Void>succeededFuture())
            : unavailable(outcome.cause()));
  }

  /**
   * Plain MGET: all the team's keys share a slot. Expired holds not yet reclaimed still count as held; this
   * replica's images not yet flushed are added ({@link ImageCounts#read}), so it reads its own images exactly.
   */
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
    return images.read(id, unflushed -> redis.send("MGET", usageKeys).transform(outcome -> outcome.succeeded()
        ? answered(Future.succeededFuture(toUsage(team, window, outcome.result(), usageKeys, unflushed)))
        : unavailable(outcome.cause())));
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
    return images.read(team, unflushed -> redis.send("MGET", dayKeys).transform(outcome -> {
      if (outcome.failed()) {
        return unavailable(outcome.cause());
      }
      List<DaySpend> spent = new ArrayList<>(days.size());
      for (int i = 0; i < days.size(); i++) {
        long dayImages = longAt(outcome.result(), days.size() + i) + unflushed.getOrDefault(dayKeys.get(days.size() + i), 0L);
        spent.add(new DaySpend(days.get(i), longAt(outcome.result(), i), dayImages));
      }
      return answered(Future.succeededFuture(spent));
    }));
  }

  @Override
  public Future<Void> ping() {
    return redis.ping().recover(err -> Future.failedFuture(storeUnavailable()));
  }

  /** Stops renewing this ledger's holds, as a dead replica would (tests of expiry; {@link #close} does it too). */
  void stopRenewing() {
    heartbeat.stop();
  }

  /**
   * Stops the heartbeat, waits for the settles still in flight (each ends within its command's patience), then
   * flushes this replica's image counts before the connection closes.
   */
  @Override
  public Future<Void> close() {
    heartbeat.stop();
    Future<Void> flushed = Future.join(List.copyOf(settling)).transform(ar -> images.close());
    return ownsConnector ? flushed.eventually(redis::close) : flushed;
  }

  /** Sends the image counts not yet flushed (tests; the ledger flushes within a second by itself). */
  Future<Void> flushImages() {
    return images.flush();
  }

  private static Future<Hold> toHold(ReserveScript.Args args, ReserveScript.Result result) {
    if (!result.admitted()) {
      return Future.failedFuture(BudgetRefusal.of(args.team(), result.refusedBy(), args.window(),
          result.remainingMicroUsd(), args.amountMicroUsd()).toException());
    }
    return Future.succeededFuture(new Hold(args.holdId(), args.team(), args.window(), args.amountMicroUsd(),
        result.remainingMicroUsd()));
  }

  private static TeamUsage toUsage(TeamBudget team, BudgetWindow window, Reply values, List<String> usageKeys,
      Map<String, Long> unflushed) {
    long imagesDay = longAt(values, 1) + unflushed.getOrDefault(usageKeys.get(1), 0L);
    long imagesMonth = longAt(values, 3) + unflushed.getOrDefault(usageKeys.get(3), 0L);
    return new TeamUsage(team.team(), window.day(), team.dailyLimitMicroUsd(), longAt(values, 0), imagesDay,
        window.month(), team.monthlyLimitMicroUsd(), longAt(values, 2), imagesMonth, longAt(values, 4),
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
