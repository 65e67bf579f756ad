package dev.ideogate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The headline numbers of every scenario that ran, one row each. */
final class Summary {
  private final List<String[]> rows = new ArrayList<>();

  void overhead(OverheadScenario overhead) {
    Map<Integer, OpenLoopLoad.Result> direct = overhead.results.values().iterator().next();
    overhead.results.forEach((target, byRate) -> {
      if (byRate == direct) {
        return;
      }
      StringBuilder added = new StringBuilder();
      byRate.forEach((rate, r) -> {
        OpenLoopLoad.Result base = direct.get(rate);
        if (base != null) {
          added.append(added.length() == 0 ? "" : "; ").append(rate).append(" rps: +")
              .append(Table.ms(r.p(50) - base.p(50))).append(" / +").append(Table.ms(r.p(99) - base.p(99)));
        }
      });
      rows.add(new String[] {"overhead: added p50 / p99 ms, " + target, added.toString()});
    });
    overhead.sustained.forEach((target, rate) -> rows.add(new String[] {
        "overhead: highest rate with p99 < 10 ms, " + target, rate < 0 ? "≥ " + (-rate) + " rps" : rate + " rps"}));
  }

  void lanes(LaneScenario lanes) {
    for (LaneScenario.Outcome o : lanes.outcomes) {
      rows.add(new String[] {"lane utilisation, " + o.replicas() + " replica(s)", String.format(Locale.ROOT,
          "%.0f%% of 50/s; max %d in flight; %d upstream 429s", 100 * o.utilisation(), o.stats().maxConcurrency(),
          o.stats().rejected429())});
    }
  }

  void budget(BudgetScenario budget) {
    rows.add(new String[] {"budget: µUSD over the limit / refused but would fit",
        budget.over + " / " + budget.refusedButWouldFit});
  }

  void holding(HoldingScenario holding) {
    long perRequest = (holding.heapQueuedBytes - holding.heapBeforeBytes) / Math.max(1, holding.peakQueued);
    rows.add(new String[] {"holding: clients waiting at once", holding.peakQueued + " queued of " + holding.clients
        + " clients (" + holding.requested + " asked)"});
    rows.add(new String[] {"holding: heap per waiting request / queue wait p99",
        perRequest / 1024 + " KB / " + holding.result.getLong("queueWaitP99Ms", -1L) + " ms"});
  }

  void redis(RedisCostScenario redis) {
    rows.add(new String[] {"Redis per admitted request: round trips / commands executed / Redis CPU",
        String.format(Locale.ROOT, "%.2f / %.2f / %.1f µs (commands seen: %s)", redis.totalPerRequest(),
            redis.commandsPerRequest(), redis.usecPerRequest(), redis.perCommand.keySet())});
  }

  void burst(ColdBurstScenario burst) {
    rows.add(new String[] {"cold burst: 3 new replicas, " + ColdBurstScenario.REQUESTS + " at once, budget for "
        + ColdBurstScenario.FITS, burst.outcome()});
  }

  void stall(StallScenario stall) {
    stall.outcomes.forEach(o -> rows.add(new String[] {"worst stall: another team's canary, " + o.load(),
        Table.ms(o.percentile(1.0)) + " ms worst, " + Table.ms(o.percentile(0.99)) + " ms p99"}));
  }

  Table table() {
    Table table = new Table("Summary", "what", "result");
    rows.forEach(r -> table.row(r[0], r[1]));
    return table;
  }
}
