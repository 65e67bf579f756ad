package dev.ideogate.async;

import dev.ideogate.api.MicroUsd;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budget alerts (issue 10): for each team and window (the day, and the month when the team has a monthly limit),
 * each threshold of {@code alerts.thresholds} (default 80 % and 100 %) fires once, across all replicas: the first
 * replica to {@code SET NX} {@code <p>:{t:<team>}:alert:<d|m>:<period>:<pct>} logs it and enqueues one signed
 * delivery to the team's {@code alerts.webhookUrl}. Every replica checks every team periodically (so spend settled
 * by synchronous requests is seen too) and right after an async settlement that charged.
 */
public final class BudgetAlerts {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetAlerts.class);
  private static final long DAY_MARK_TTL_MS = 40L * 86_400_000;
  private static final long MONTH_MARK_TTL_MS = 400L * 86_400_000;

  private final Vertx vertx;
  private final BudgetLedger ledger;
  private final AsyncStore store;
  private final DeliveryQueue deliveries;
  private final Supplier<GatewayConfig> settings;
  private final Clock clock;
  private final long scanMs;
  /** Alerts this replica fired (metric ideogate_budget_alerts_total; tests read it). */
  public final AtomicLong fired = new AtomicLong();
  private volatile AlertListener listener = (team, window, thresholdPct) -> {};
  private long timerId = -1;

  /** Told once per alert this replica fires (the metric). */
  public interface AlertListener {
    void fired(String team, String window, int thresholdPct);
  }

  public void onFired(AlertListener listener) {
    this.listener = listener;
  }

  public BudgetAlerts(Vertx vertx, BudgetLedger ledger, AsyncStore store, DeliveryQueue deliveries,
      Supplier<GatewayConfig> settings, Clock clock, long scanMs) {
    this.vertx = vertx;
    this.ledger = ledger;
    this.store = store;
    this.deliveries = deliveries;
    this.settings = settings;
    this.clock = clock;
    this.scanMs = scanMs;
  }

  public void start() {
    timerId = vertx.setPeriodic(scanMs, id -> settings.get().teams().keySet().forEach(this::check));
  }

  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  /** Checks one team's windows now; never fails (a Redis hiccup only delays the alert to the next scan). */
  public Future<Void> check(String teamId) {
    TeamConfig team = settings.get().team(teamId);
    if (team == null) {
      return Future.succeededFuture();
    }
    BudgetWindow window = BudgetWindow.now(clock, settings.get().budgets().timezone());
    TeamBudget budget = new TeamBudget(team.id(), team.dailyBudgetMicroUsd(), team.monthlyBudgetMicroUsd());
    return ledger.usage(budget, window)
        .compose(usage -> fireReached(team, usage))
        .recover(e -> Future.succeededFuture());
  }

  private Future<Void> fireReached(TeamConfig team, TeamUsage usage) {
    List<Future<Void>> fired = new ArrayList<>();
    List<Integer> thresholds = team.alerts().thresholdsPercent();
    for (int pct : AlertThresholds.reached(usage.spentDayMicroUsd(), team.dailyBudgetMicroUsd(), thresholds)) {
      fired.add(fire(team, "d", usage.day(), pct, usage.spentDayMicroUsd(), team.dailyBudgetMicroUsd(),
          DAY_MARK_TTL_MS));
    }
    if (team.monthlyBudgetMicroUsd().isPresent()) {
      long limit = team.monthlyBudgetMicroUsd().getAsLong();
      for (int pct : AlertThresholds.reached(usage.spentMonthMicroUsd(), limit, thresholds)) {
        fired.add(fire(team, "m", usage.month(), pct, usage.spentMonthMicroUsd(), limit, MONTH_MARK_TTL_MS));
      }
    }
    return Future.join(fired).mapEmpty();
  }

  private Future<Void> fire(TeamConfig team, String window, String period, int pct, long spent, long limit,
      long ttlMs) {
    String name = "{t:" + team.id() + "}:alert:" + window + ":" + period + ":" + pct;
    return store.once(name, ttlMs).compose(first -> {
      if (!first) {
        return Future.succeededFuture();
      }
      fired.incrementAndGet();
      String windowName = window.equals("d") ? "day" : "month";
      listener.fired(team.id(), windowName, pct);
      LOG.warn("budget alert: team {} reached {} % of its {} budget for {} (spent {} of {} USD)", team.id(), pct,
          windowName, period, MicroUsd.format(spent), MicroUsd.format(limit));
      if (team.alerts().webhookUrl().isEmpty()) {
        return Future.succeededFuture();
      }
      JsonObject body = new JsonObject().put("type", "budget.alert").put("team", team.id()).put("window", windowName)
          .put("period", period).put("threshold_percent", pct).put("spent_usd", MicroUsd.format(spent))
          .put("limit_usd", MicroUsd.format(limit));
      return deliveries.enqueue(Delivery.first("dlv_alert_" + team.id() + "_" + window + "_" + period + "_" + pct,
          team.id(), team.alerts().webhookUrl(), "budget.alert", body.encode(), clock.millis()));
    });
  }
}
