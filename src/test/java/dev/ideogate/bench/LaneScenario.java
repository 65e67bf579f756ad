package dev.ideogate.bench;

import dev.ideogate.Gateway;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.sim.SimulatorStats;
import dev.ideogate.testing.Http;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 2, lane utilisation: one upstream key whose calls take 200 ms and that allows 10 in flight, so the
 * ideal is 10 ÷ 0.2 s = 50 completions per second. 1 and 3 replicas on one Redis; clients skewed 70/20/10
 * across the replicas, each keeping one request outstanding.
 */
final class LaneScenario {
  static final double IDEAL_PER_SECOND = 10 / 0.2;

  record Outcome(int replicas, int clients, double perSecond, SimulatorStats stats, Map<Integer, Long> statuses) {
    double utilisation() {
      return perSecond / IDEAL_PER_SECOND;
    }
  }

  private final BenchOptions options;
  final List<Outcome> outcomes = new ArrayList<>();

  LaneScenario(BenchOptions options) {
    this.options = options;
  }

  List<Table> run() {
    for (int replicas : List.of(1, 3)) {
      outcomes.add(measure(replicas));
    }
    Table table = new Table("2. Lane utilisation (one key, 200 ms calls, Ideogram limit 10 in flight)",
        "replicas", "clients (70/20/10)", "completions/s", "÷ 50/s ideal", "max in flight at simulator",
        "upstream 429s", "client statuses");
    for (Outcome o : outcomes) {
      table.row(o.replicas(), o.clients(), String.format(java.util.Locale.ROOT, "%.1f", o.perSecond()),
          String.format(java.util.Locale.ROOT, "%.0f%%", 100 * o.utilisation()), o.stats().maxConcurrency(),
          o.stats().rejected429(), o.statuses());
    }
    table.note(options.laneSeconds() + " s per row; completions counted only inside the window. Target: ≥ 95% of the"
        + " ideal with cluster-wide permits (ClusterLaneSkewTest checks the behaviour, this row the speed).");
    table.note("With per-replica (local) permits each replica allows 10, so 3 replicas push the simulator past 10 and"
        + " collect 429s (AIMD then backs each lane off); cluster-wide permits keep the total at 10.");
    return List.of(table);
  }

  private Outcome measure(int replicas) {
    try (BenchRig rig = new BenchRig()) {
      List<Gateway> gateways = rig.replicas(replicas, c -> c,
          "dailyBudgetUsd: \"100000000\"", "maxQueued: 10000", "maxQueueWait: 300s");
      rig.upstreamKnobs(SimulatorKnobs.NONE.withLatencyMs(200L)); // the account's limit: 10 in flight
      int clients = options.laneClients();
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        double share = (double) i / clients;
        int replica = replicas == 1 ? 0 : share < 0.7 ? 0 : share < 0.9 ? 1 : 2;
        ports.add(gateways.get(replica).port());
      }
      Buffer body = Buffer.buffer(Http.generate("a lighthouse in fog, long exposure", "V_2_TURBO", 1));
      try (ClosedLoopClients load = new ClosedLoopClients(rig.clientVertx, clients + 10,
          Map.of("Content-Type", "application/json", "Api-Key", BenchRig.clientKey()), body)) {
        long ok = load.run(ports, options.laneSeconds());
        SimulatorStats stats = rig.upstreamStats();
        Outcome outcome = new Outcome(replicas, clients, ok / (double) options.laneSeconds(), stats,
            new LinkedHashMap<>(load.statuses()));
        System.out.printf("  lanes %d replica(s): %.1f completions/s, max in flight %d, upstream 429s %d%n",
            replicas, outcome.perSecond(), stats.maxConcurrency(), stats.rejected429());
        return outcome;
      }
    }
  }
}
