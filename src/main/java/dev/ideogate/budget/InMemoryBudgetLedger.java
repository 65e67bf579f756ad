package dev.ideogate.budget;

import dev.ideogate.api.RandomIds;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The ledger of one replica without Redis (ARCHITECTURE.md §7), with the semantics of the Lua scripts: admit iff spent(day)
 * + held + cost ≤ daily limit and, when set, spent(month) + held + cost ≤ monthly limit; held is per team; a hold
 * is charged to the windows it was reserved in; an expired hold is charged in full by the next call touching its
 * team. Every method is a few map operations under one lock and never waits on I/O, so callers on an event loop
 * are safe.
 */
public final class InMemoryBudgetLedger implements BudgetLedger, AsyncHoldLedger, NamedHoldLedger {
  private final LongSupplier clockMs;
  private final long holdLeaseMs;
  private final String holdIdPrefix;
  private final Map<String, TeamState> teams = new HashMap<>();

  /** @param clockMs milliseconds since the epoch; tests move it to expire leases */
  public InMemoryBudgetLedger(LongSupplier clockMs, long holdLeaseMs) {
    this(clockMs, holdLeaseMs, "");
  }

  /** @param holdIdPrefix starts the id of every hold this ledger issues, so {@link #issued} can tell them apart */
  public InMemoryBudgetLedger(LongSupplier clockMs, long holdLeaseMs, String holdIdPrefix) {
    if (holdLeaseMs <= 0) {
      throw new IllegalArgumentException("hold lease must be > 0 ms, got " + holdLeaseMs);
    }
    this.clockMs = clockMs;
    this.holdLeaseMs = holdLeaseMs;
    this.holdIdPrefix = holdIdPrefix;
  }

  /** Whether {@code hold} was issued by this ledger (its id carries this ledger's prefix). */
  public boolean issued(Hold hold) {
    return !holdIdPrefix.isEmpty() && hold.id().startsWith(holdIdPrefix);
  }

  @Override
  public Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd) {
    return reserve(team, window, costMicroUsd, holdLeaseMs);
  }

  @Override
  public Future<Settlement> settle(TeamBudget team, Hold hold, long chargeMicroUsd, int images) {
    return settle(hold, chargeMicroUsd, images);
  }

  @Override
  public synchronized Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, long leaseMs) {
    return reserve(team, window, costMicroUsd, leaseMs, holdIdPrefix + RandomIds.uuid());
  }

  @Override
  public synchronized Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, String holdId) {
    return reserve(team, window, costMicroUsd, holdLeaseMs, holdIdPrefix + holdId);
  }

  private Future<Hold> reserve(TeamBudget team, BudgetWindow window, long costMicroUsd, long leaseMs, String id) {
    if (leaseMs <= 0) {
      return Future.failedFuture(new IllegalArgumentException("lease must be > 0 ms, got " + leaseMs));
    }
    if (costMicroUsd < 0) {
      return Future.failedFuture(new IllegalArgumentException("cost must be ≥ 0 µUSD, got " + costMicroUsd));
    }
    TeamState state = teams.computeIfAbsent(team.team(), t -> new TeamState());
    state.budget = team;
    reclaimExpired(state);
    long dayLeft = team.dailyLimitMicroUsd() - state.spentDay(window) - state.held;
    OpenHold existing = state.holds.get(id);
    if (existing != null) {
      return Future.succeededFuture(new Hold(id, team.team(), existing.window(), existing.amountMicroUsd(),
          Math.max(0, Math.min(dayLeft, monthLeft(state, window)))));
    }
    if (costMicroUsd > dayLeft) {
      return refuse(team, BudgetRefusal.Window.DAY, window, dayLeft, costMicroUsd);
    }
    long monthLeft = monthLeft(state, window);
    if (costMicroUsd > monthLeft) {
      return refuse(team, BudgetRefusal.Window.MONTH, window, monthLeft, costMicroUsd);
    }
    long expiresAtMs = clockMs.getAsLong() + leaseMs;
    state.holds.put(id, new OpenHold(costMicroUsd, window, expiresAtMs));
    state.nextExpiryMs = Math.min(state.nextExpiryMs, expiresAtMs);
    state.held += costMicroUsd;
    return Future.succeededFuture(
        new Hold(id, team.team(), window, costMicroUsd, Math.min(dayLeft, monthLeft) - costMicroUsd));
  }

  /** Nothing to stop: a local hold is never renewed, its long lease runs out by itself. */
  @Override
  public void abandon(Hold hold) {}

  @Override
  public synchronized Future<Settlement> settle(Hold hold, long chargeMicroUsd, int images) {
    if (chargeMicroUsd < 0 || images < 0) {
      return Future.failedFuture(new IllegalArgumentException(
          "charge and images must be ≥ 0, got " + chargeMicroUsd + " µUSD and " + images + " images"));
    }
    TeamState state = teams.get(hold.team());
    if (state == null) {
      return Future.failedFuture(new IllegalArgumentException("hold " + hold.id() + " was not issued by this ledger"));
    }
    reclaimExpired(state);
    OpenHold open = state.holds.remove(hold.id());
    long charged = 0;
    if (open != null) {
      charged = Math.min(chargeMicroUsd, open.amountMicroUsd());
      state.held -= open.amountMicroUsd();
      state.charge(open.window(), charged);
      state.imagesDay.merge(open.window().day(), (long) images, Long::sum);
      state.imagesMonth.merge(open.window().month(), (long) images, Long::sum);
    }
    return Future.succeededFuture(new Settlement(charged, remaining(state, hold.window())));
  }

  @Override
  public synchronized Future<Void> release(Hold hold) {
    TeamState state = teams.get(hold.team());
    if (state != null) {
      reclaimExpired(state);
      OpenHold open = state.holds.remove(hold.id());
      if (open != null) {
        state.held -= open.amountMicroUsd();
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<TeamUsage> usage(TeamBudget team, BudgetWindow window) {
    TeamState state = teams.computeIfAbsent(team.team(), id -> new TeamState());
    state.budget = team;
    reclaimExpired(state);
    return Future.succeededFuture(new TeamUsage(
        team.team(),
        window.day(),
        team.dailyLimitMicroUsd(),
        state.spentDay(window),
        state.imagesDay.getOrDefault(window.day(), 0L),
        window.month(),
        team.monthlyLimitMicroUsd(),
        state.spentMonth.getOrDefault(window.month(), 0L),
        state.imagesMonth.getOrDefault(window.month(), 0L),
        state.held,
        state.holdsExpired));
  }

  @Override
  public synchronized Future<List<DaySpend>> spentByDay(String team, List<String> days) {
    if (days.size() > MAX_DAYS_READ) {
      return Future.failedFuture(new IllegalArgumentException(
          "at most " + MAX_DAYS_READ + " days per read, asked for " + days.size()));
    }
    TeamState state = teams.get(team);
    if (state != null) {
      reclaimExpired(state);
    }
    List<DaySpend> spent = new ArrayList<>(days.size());
    for (String day : days) {
      spent.add(state == null ? new DaySpend(day, 0, 0)
          : new DaySpend(day, state.spentDay.getOrDefault(day, 0L), state.imagesDay.getOrDefault(day, 0L)));
    }
    return Future.succeededFuture(spent);
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  /**
   * Charges the holds whose lease ran out. Runs on every call, so it scans the holds only once the earliest lease
   * may have run out (a scan per call was a few per cent of the in-memory path's CPU at 64 holds).
   */
  private void reclaimExpired(TeamState state) {
    long now = clockMs.getAsLong();
    if (now < state.nextExpiryMs) {
      return;
    }
    long next = Long.MAX_VALUE;
    for (Iterator<OpenHold> it = state.holds.values().iterator(); it.hasNext(); ) {
      OpenHold open = it.next();
      if (open.expiresAtMs() <= now) {
        it.remove();
        state.held -= open.amountMicroUsd();
        state.charge(open.window(), open.amountMicroUsd());
        state.holdsExpired++;
      } else {
        next = Math.min(next, open.expiresAtMs());
      }
    }
    state.nextExpiryMs = next;
  }

  private static long monthLeft(TeamState state, BudgetWindow window) {
    var monthly = state.budget.monthlyLimitMicroUsd();
    return monthly.isPresent() ? monthly.getAsLong() - state.spentMonth(window) - state.held : Long.MAX_VALUE;
  }

  private static long remaining(TeamState state, BudgetWindow window) {
    long dayLeft = state.budget.dailyLimitMicroUsd() - state.spentDay(window) - state.held;
    return Math.max(0, Math.min(dayLeft, monthLeft(state, window)));
  }

  private static Future<Hold> refuse(
      TeamBudget team, BudgetRefusal.Window which, BudgetWindow window, long left, long needed) {
    return Future.failedFuture(BudgetRefusal.of(team.team(), which, window, Math.max(0, left), needed).toException());
  }

  private record OpenHold(long amountMicroUsd, BudgetWindow window, long expiresAtMs) {}

  private static final class TeamState {
    TeamBudget budget;
    long held;
    long holdsExpired;
    /** No hold expires before this (it may have been settled since): reclaim scans only from then on. */
    long nextExpiryMs = Long.MAX_VALUE;
    final Map<String, OpenHold> holds = new HashMap<>();
    final Map<String, Long> spentDay = new HashMap<>();
    final Map<String, Long> spentMonth = new HashMap<>();
    final Map<String, Long> imagesDay = new HashMap<>();
    final Map<String, Long> imagesMonth = new HashMap<>();

    long spentDay(BudgetWindow window) {
      return spentDay.getOrDefault(window.day(), 0L);
    }

    long spentMonth(BudgetWindow window) {
      return spentMonth.getOrDefault(window.month(), 0L);
    }

    void charge(BudgetWindow window, long microUsd) {
      spentDay.merge(window.day(), microUsd, Long::sum);
      spentMonth.merge(window.month(), microUsd, Long::sum);
    }
  }
}
