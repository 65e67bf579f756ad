package dev.ideogate.bench;

import dev.ideogate.Gateway;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.HostileBodies;
import dev.ideogate.testing.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Scenario 6, worst stall (ARCHITECTURE.md §11, "limits before work"): one team sends hostile requests (megabyte
 * prompts full of phone-like digits, deep JSON, thousands of parts, maximal PII-laden prompts) to a replica with
 * two event loops while a canary {@code /v1/usage} of another team is sent every 10 ms; the table reports the
 * canary's latency, worst included, next to the same canary on an idle replica. {@code StallCanaryTest} holds the
 * behaviour bound (under 1 s) in {@code mvn verify}; this reports the number.
 */
final class StallScenario {
  private static final String CANARY = "canary";
  private static final long CANARY_EVERY_MS = 10;
  /** At least this many canaries per row, so an idle row (no hostile request to wait for) has a sample too. */
  private static final int IDLE_CANARIES = 50;

  record Outcome(String load, int hostile, Map<Integer, Integer> hostileStatuses, List<Long> canaryMicros) {
    long percentile(double p) {
      List<Long> sorted = canaryMicros.stream().sorted().toList();
      return sorted.isEmpty() ? -1 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
  }

  private final BenchOptions options;
  final List<Outcome> outcomes = new ArrayList<>();

  StallScenario(BenchOptions options) {
    this.options = options;
  }

  List<Table> run() {
    int rounds = options.quick() ? 2 : 6;
    try (BenchRig rig = new BenchRig()) {
      Gateway gateway = rig.replicas(1, c -> c.team(CANARY), "pii: redact-logs").get(0);
      WebClient client = WebClient.create(rig.clientVertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(64));
      measure(rig.clientVertx, client, gateway.port(), 0); // warm-up: JIT, connections, Redis scripts loaded
      outcomes.add(measure(rig.clientVertx, client, gateway.port(), 0));
      outcomes.add(measure(rig.clientVertx, client, gateway.port(), rounds));
    }
    Table table = new Table("6. Worst stall (another team's canary next to hostile requests, one replica, 2 event loops)",
        "load", "hostile requests (statuses)", "canaries", "canary p50 ms", "canary p99 ms", "canary worst ms");
    for (Outcome o : outcomes) {
      table.row(o.load(), o.hostile() + " " + o.hostileStatuses(), o.canaryMicros().size(),
          Table.ms(o.percentile(0.5)), Table.ms(o.percentile(0.99)), Table.ms(o.percentile(1.0)));
    }
    table.note("Hostile set per round: a 240,000-character /remix prompt, a 1.4 MB JSON prompt of phone numbers and"
        + " e-mail addresses, 100,000-deep JSON, 5,000 multipart parts, a prompt just under the 10,000-character cap;"
        + " sent all at once. Canary: GET /v1/usage of another team every " + CANARY_EVERY_MS + " ms. Behaviour bound"
        + " (StallCanaryTest): under 1 s. A 429 among the hostile statuses is the key's upload cap"
        + " (server.maxConcurrentUploadsPerKey) refusing bodies over 64 KiB past 4 at once.");
    return List.of(table);
  }

  private Outcome measure(Vertx vertx, WebClient client, int port, int rounds) {
    List<Long> canaryMicros = new CopyOnWriteArrayList<>();
    List<Future<?>> canaries = new CopyOnWriteArrayList<>();
    long timer = vertx.setPeriodic(CANARY_EVERY_MS, id -> {
      long sent = System.nanoTime();
      canaries.add(client.request(HttpMethod.GET, port, "127.0.0.1", "/v1/usage")
          .putHeader("Api-Key", TestConfig.clientKey(CANARY)).timeout(60_000).send()
          .onSuccess(r -> canaryMicros.add((System.nanoTime() - sent) / 1_000)));
    });
    List<Future<Integer>> hostile = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      hostile.add(post(client, port, "/remix", HostileBodies.MULTIPART,
          HostileBodies.remix("+1111111111 ".repeat(20_000))));
      hostile.add(post(client, port, "/generate", "application/json",
          HostileBodies.generate("\"" + "+1 415 555 2671 a@b.io ".repeat(60_000) + "\"")));
      hostile.add(post(client, port, "/generate", "application/json",
          HostileBodies.generate("[".repeat(100_000) + "]".repeat(100_000))));
      hostile.add(post(client, port, "/remix", HostileBodies.MULTIPART, HostileBodies.manyParts(5_000)));
      hostile.add(post(client, port, "/generate", "application/json",
          HostileBodies.generate("\"" + "+1111111111 ".repeat(833) + "\"")));
    }
    Await.await(Future.join(hostile).transform(ar -> Future.succeededFuture()));
    Await.until("idle canaries sent", () -> canaries.size() >= IDLE_CANARIES);
    vertx.cancelTimer(timer);
    Await.await(Future.join(List.copyOf(canaries)).transform(ar -> Future.succeededFuture()));
    Map<Integer, Integer> statuses = new TreeMap<>();
    hostile.forEach(f -> statuses.merge(f.succeeded() ? f.result() : 0, 1, Integer::sum));
    Outcome outcome = new Outcome(rounds == 0 ? "idle" : rounds + " hostile rounds", hostile.size(), statuses,
        List.copyOf(canaryMicros));
    System.out.printf("  stall %s: %d canaries, worst %s ms%n", outcome.load(), canaryMicros.size(),
        Table.ms(outcome.percentile(1.0)));
    return outcome;
  }

  private static Future<Integer> post(WebClient client, int port, String path, String contentType, Buffer body) {
    return client.request(HttpMethod.POST, port, "127.0.0.1", path)
        .putHeader("Api-Key", BenchRig.clientKey()).putHeader("Content-Type", contentType).timeout(120_000)
        .sendBuffer(body).map(r -> r.statusCode());
  }
}
