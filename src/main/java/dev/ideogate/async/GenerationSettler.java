package dev.ideogate.async;

import dev.ideogate.budget.AsyncHoldLedger;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles one async generation from its final state, whoever learnt it first (the signed callback, a client's poll,
 * the reconciler), exactly once in effect:
 * <ol>
 *   <li>the ledger settles the hold on the images produced (release on {@code failed}); both are idempotent by hold
 *       id, so a second caller charges nothing;</li>
 *   <li>the generation is marked settled atomically; only the caller that flips it enqueues the client delivery
 *       (its delivery id is {@code dlv_<generation id>}) and checks the budget alerts.</li>
 * </ol>
 * A crash between the two leaves the generation pending: the reconciler repeats both, and step 1 is then a no-op.
 */
public final class GenerationSettler {
  private static final Logger LOG = LoggerFactory.getLogger(GenerationSettler.class);

  private final AsyncStore store;
  private final BudgetLedger ledger;
  private final DeliveryQueue deliveries;
  private final Supplier<GatewayConfig> settings;
  private final BudgetAlerts alerts;
  private final LongSupplier clockMs;

  public GenerationSettler(AsyncStore store, BudgetLedger ledger, DeliveryQueue deliveries,
      Supplier<GatewayConfig> settings, BudgetAlerts alerts, LongSupplier clockMs) {
    this.store = store;
    this.ledger = ledger;
    this.deliveries = deliveries;
    this.settings = settings;
    this.alerts = alerts;
    this.clockMs = clockMs;
  }

  /**
   * @param result Ideogram's body (webhook or poll) with a final {@code status}
   * @return true when this call settled the generation, false when it was already settled
   */
  public Future<Boolean> settle(AsyncGeneration generation, JsonObject result, String source) {
    boolean completed = "completed".equals(result.getString("status"));
    JsonArray data = result.getValue("data") instanceof JsonArray array ? array : new JsonArray();
    int images = completed ? data.size() : 0;
    long charge = completed ? generation.quote().charge(images) : 0;
    Future<?> accounted = completed ? settleHold(generation, charge, images) : ledger.release(generation.hold());
    return accounted
        .compose(v -> store.markSettled(generation.generationId(), completed ? "completed" : "failed", charge, images))
        .compose(won -> won ? afterSettled(generation, result, charge, images, source).map(true)
            : Future.succeededFuture(false));
  }

  private Future<?> settleHold(AsyncGeneration generation, long charge, int images) {
    TeamBudget budget = budgetOf(generation.team());
    return ledger instanceof AsyncHoldLedger async
        ? async.settle(budget, generation.hold(), charge, images)
        : ledger.settle(generation.hold(), charge, images);
  }

  private Future<Void> afterSettled(AsyncGeneration generation, JsonObject result, long charge, int images,
      String source) {
    LOG.debug("async generation {} of team {} settled by {}: {} images, {} µUSD", generation.generationId(),
        generation.team(), source, images, charge);
    Future<Void> unindexed = store.unindex(generation.generationId()).recover(e -> Future.succeededFuture());
    Future<Void> delivered = generation.wantsDelivery()
        ? deliveries.enqueue(Delivery.first("dlv_" + generation.generationId(), generation.team(),
            generation.clientWebhookUrl(), "generation." + result.getString("status", "completed"),
            clientBody(generation, result), clockMs.getAsLong()))
        : Future.succeededFuture();
    if (charge > 0) {
      alerts.check(generation.team());
    }
    return Future.all(unindexed, delivered).mapEmpty();
  }

  /** Ideogram's body as received, with {@code generation_id} ensured (one spec calls it request_id). */
  private static String clientBody(AsyncGeneration generation, JsonObject result) {
    JsonObject body = result.copy();
    if (!body.containsKey("generation_id")) {
      body.put("generation_id", generation.generationId());
    }
    return body.encode();
  }

  TeamBudget budgetOf(String teamId) {
    TeamConfig team = settings.get().team(teamId);
    return team == null ? new TeamBudget(teamId, 0, OptionalLong.empty())
        : new TeamBudget(team.id(), team.dailyBudgetMicroUsd(), team.monthlyBudgetMicroUsd());
  }
}
