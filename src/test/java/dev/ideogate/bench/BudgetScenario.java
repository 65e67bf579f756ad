package dev.ideogate.bench;

import static dev.ideogate.testing.Await.await;
import dev.ideogate.Gateway;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.Http;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;

/**
 * Scenario 3, budget exactness: 3 replicas on one Redis, all requests sent at once with mixed models and image
 * counts against a budget far smaller than the demand. Over the limit must be 0; "refused but would fit" counts
 * refused requests whose cost is at most what remained at the end (0 = no money left on the table).
 */
final class BudgetScenario {
  private static final long LIMIT_MICRO_USD = 25_000_000;
  private static final String[] MODELS = {"V_2", "V_2_TURBO", "V_1_TURBO", "V_2A_TURBO"};
  private static final long[] UNIT_MICRO_USD = {80_000, 50_000, 20_000, 25_000};

  private final BenchOptions options;
  long spent;
  long over;
  long refusedButWouldFit;
  long ok;
  long refused;
  Map<Integer, Long> statuses = new TreeMap<>();
  long held;
  long demand;

  BudgetScenario(BenchOptions options) {
    this.options = options;
  }

  List<Table> run() {
    try (BenchRig rig = new BenchRig(); Http http = new Http(rig.clientVertx)) {
      int requests = options.budgetRequests();
      List<Gateway> gateways = rig.replicas(3, c -> c, "dailyBudgetUsd: \"25.00\"", "maxQueued: " + requests * 2);
      // Three local lanes may exceed Ideogram's 10 together: this scenario is about money, not the lane.
      rig.upstreamKnobs(SimulatorKnobs.NONE.withLatencyMs(5L).withMaxInFlight(100_000));
      Random random = new Random(7);
      List<Long> costs = new ArrayList<>();
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        int m = random.nextInt(MODELS.length);
        int n = 1 + random.nextInt(4);
        costs.add(UNIT_MICRO_USD[m] * n);
        replies.add(http.postJson(gateways.get(i % 3).port(), "/generate", BenchRig.clientKey(),
            Http.generate("budget poster " + i, MODELS[m], n)));
      }
      List<Long> refusedCosts = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        Reply reply = await(replies.get(i));
        statuses.merge(reply.status(), 1L, Long::sum);
        if (reply.status() == 200) {
          ok++;
        } else if (reply.status() == 402) {
          refused++;
          refusedCosts.add(costs.get(i));
        }
      }
      demand = costs.stream().mapToLong(Long::longValue).sum();
      TeamUsage usage = await(gateways.get(0).ledger().usage(
          new TeamBudget(BenchRig.TEAM, LIMIT_MICRO_USD, OptionalLong.empty()),
          BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC)));
      spent = usage.spentDayMicroUsd();
      held = usage.heldMicroUsd();
      over = Math.max(0, spent - LIMIT_MICRO_USD);
      long remaining = LIMIT_MICRO_USD - spent;
      refusedButWouldFit = refusedCosts.stream().filter(c -> c <= remaining).count();
      System.out.printf("  budget: spent %d of %d µUSD, over %d, refused-but-would-fit %d%n", spent,
          LIMIT_MICRO_USD, over, refusedButWouldFit);
    }
    Table table = new Table("3. Budget exactness (3 replicas, one Redis, all requests at once)",
        "requests", "demand µUSD", "limit µUSD", "spent µUSD", "over the limit µUSD", "left µUSD",
        "refused but would fit", "200 / 402 / other", "held after");
    long other = statuses.entrySet().stream().filter(e -> e.getKey() != 200 && e.getKey() != 402)
        .mapToLong(Map.Entry::getValue).sum();
    table.row(options.budgetRequests(), demand, LIMIT_MICRO_USD, spent, over, LIMIT_MICRO_USD - spent,
        refusedButWouldFit, ok + " / " + refused + " / " + other, held);
    table.note("Models V_2, V_2_TURBO, V_1_TURBO, V_2A_TURBO (0.08, 0.05, 0.02, 0.025 USD) × 1–4 images, seeded.");
    return List.of(table);
  }
}
