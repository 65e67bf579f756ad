package dev.ideogate.ops;

import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The budget gauges of ARCHITECTURE.md §9, {@code ideogate_budget_spent_usd{team,window}}, {@code
 * ideogate_budget_limit_usd{team,window}}, {@code ideogate_budget_held_usd{team}} and {@code
 * ideogate_holds_expired_total{team}}, refreshed from {@link BudgetLedger#usage} (the Redis figures when Redis is
 * configured), so every replica reports the same value and dashboards take the max, never the sum. A failed
 * refresh keeps the last figures. Teams removed by a reload lose their series.
 */
public final class BudgetGauges {
  private static final double MICRO = 1_000_000d;

  private final MeterRegistry registry;
  private final Supplier<GatewayConfig> config;
  private final BudgetLedger ledger;
  private final Clock clock;
  private final Map<String, TeamSeries> teams = new ConcurrentHashMap<>();
  private final AtomicReference<Future<Void>> running = new AtomicReference<>();

  public BudgetGauges(MeterRegistry registry, Supplier<GatewayConfig> config, BudgetLedger ledger, Clock clock) {
    this.registry = registry;
    this.config = config;
    this.ledger = ledger;
    this.clock = clock;
    Gauge.builder("ideogate.budget.store.up", ledger, l -> l.storeDown() ? 0 : 1)
        .description("0 while the budget store (Redis) does not answer this replica, else 1")
        .register(registry);
  }

  /** Reads every configured team's usage and updates its series; a refresh still running is joined, not doubled. */
  public synchronized Future<Void> refresh() {
    Future<Void> current = running.get();
    if (current != null && !current.isComplete()) {
      return current;
    }
    GatewayConfig now = config.get();
    BudgetWindow window = BudgetWindow.now(clock, now.budgets().timezone());
    dropTeamsNotIn(now.teams().keySet());
    List<Future<Void>> reads = new ArrayList<>();
    for (TeamConfig team : now.teams().values()) {
      TeamBudget budget = new TeamBudget(team.id(), team.dailyBudgetMicroUsd(), team.monthlyBudgetMicroUsd());
      reads.add(ledger.usage(budget, window).map(usage -> {
        teams.computeIfAbsent(team.id(), TeamSeries::new).update(usage);
        return null;
      }));
    }
    Future<Void> all = Future.join(reads).mapEmpty();
    running.set(all);
    return all;
  }

  private void dropTeamsNotIn(Set<String> configured) {
    teams.keySet().removeIf(team -> {
      if (configured.contains(team)) {
        return false;
      }
      teams.get(team).meters.forEach(registry::remove);
      return true;
    });
  }

  /** One team's figures, in USD as Prometheus wants floats; kept exact in micro-USD until the scrape. */
  private final class TeamSeries {
    final AtomicLong spentDay = new AtomicLong();
    final AtomicLong spentMonth = new AtomicLong();
    final AtomicLong limitDay = new AtomicLong();
    final AtomicLong limitMonth = new AtomicLong(-1);
    final AtomicLong held = new AtomicLong();
    final AtomicLong holdsExpired = new AtomicLong();
    final List<Meter> meters = new ArrayList<>();
    private final String team;
    private boolean monthLimitRegistered;

    TeamSeries(String team) {
      this.team = team;
      meters.add(usd("ideogate.budget.spent.usd", "Settled spend in the window", spentDay, "window", "day"));
      meters.add(usd("ideogate.budget.spent.usd", "Settled spend in the window", spentMonth, "window", "month"));
      meters.add(usd("ideogate.budget.limit.usd", "Budget of the window", limitDay, "window", "day"));
      meters.add(usd("ideogate.budget.held.usd", "Reserved by requests in flight", held));
      meters.add(FunctionCounter.builder("ideogate.holds.expired", holdsExpired, AtomicLong::doubleValue)
          .description("Holds whose lease ran out (their replica died) and were charged in full")
          .tags("team", team)
          .register(registry));
    }

    void update(TeamUsage usage) {
      spentDay.set(usage.spentDayMicroUsd());
      spentMonth.set(usage.spentMonthMicroUsd());
      limitDay.set(usage.dailyLimitMicroUsd());
      held.set(usage.heldMicroUsd());
      holdsExpired.set(usage.holdsExpired());
      if (usage.monthlyLimitMicroUsd().isPresent()) {
        limitMonth.set(usage.monthlyLimitMicroUsd().getAsLong());
        registerMonthLimit();
      }
    }

    private synchronized void registerMonthLimit() {
      if (!monthLimitRegistered) {
        meters.add(usd("ideogate.budget.limit.usd", "Budget of the window", limitMonth, "window", "month"));
        monthLimitRegistered = true;
      }
    }

    private Meter usd(String name, String description, AtomicLong microUsd, String... tags) {
      return Gauge.builder(name, microUsd, v -> v.get() / MICRO)
          .description(description)
          .tags("team", team)
          .tags(tags)
          .strongReference(true)
          .register(registry);
    }
  }
}
