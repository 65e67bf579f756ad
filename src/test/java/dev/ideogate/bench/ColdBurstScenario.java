package dev.ideogate.bench;

import static dev.ideogate.testing.Await.await;

import dev.ideogate.Gateway;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.Http.Reply;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Issue 14's cold burst: three replicas just started (no warm-up: no request served yet), 2,000
 * one-image requests at once over at most 600 connections, a budget that fits 137 images. Prints the answers by
 * status and code: the goal is exactly 137 × 200, the rest 402, and no 503.
 */
final class ColdBurstScenario {
  static final int REQUESTS = 2_000;
  static final int FITS = 137; // V_2_TURBO at 0.05 USD: 6.85 USD

  final Map<String, Long> byStatus = new TreeMap<>();
  double seconds;

  List<Table> run() {
    try (BenchRig rig = new BenchRig(); Http http = new Http(rig.clientVertx, 200)) {
      List<Gateway> gateways = rig.replicas(3, c -> c, "dailyBudgetUsd: \"6.85\"", "maxQueued: 1000");
      long started = System.nanoTime();
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        replies.add(http.postJson(gateways.get(i % 3).port(), "/generate", BenchRig.clientKey(),
            Http.generate("burst " + i, "V_2_TURBO", 1)));
      }
      replies.stream().map(f -> await(f)).forEach(r ->
          byStatus.merge(r.status() + (r.status() == 200 ? "" : " " + r.code()), 1L, Long::sum));
      seconds = (System.nanoTime() - started) / 1e9;
    }
    System.out.printf("  cold burst: %s%n", byStatus);
    Table table = new Table("Cold burst: 3 replicas just started, " + REQUESTS + " requests at once", "answer", "count");
    byStatus.forEach(table::row);
    table.note("A budget that fits exactly " + FITS + " images; at most 600 connections; all answered in about "
        + String.format(java.util.Locale.ROOT, "%.1f", seconds) + " s. Goal: " + FITS + " × 200, the rest 402, no 503.");
    return List.of(table);
  }

  /** The summary line: counts by answer. */
  String outcome() {
    return byStatus.toString().replace("=", " × ").replace("{", "").replace("}", "");
  }
}
