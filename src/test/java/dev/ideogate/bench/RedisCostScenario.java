package dev.ideogate.bench;

import static dev.ideogate.testing.Await.await;
import dev.ideogate.Gateway;
import dev.ideogate.dispatch.RedisPermitStore;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.Http;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 5, Redis cost: {@code INFO commandstats} before and after a fixed number of successful requests
 * through one replica, divided by the number of requests. The two INFO calls themselves are left out.
 */
final class RedisCostScenario {
  private static final Pattern CALLS = Pattern.compile("cmdstat_([a-z|_]+):calls=(\\d+),usec=(\\d+)");

  private final BenchOptions options;
  final Map<String, Long> perCommand = new TreeMap<>();
  final Map<String, Long> usecByCommand = new TreeMap<>();
  long requests;
  long ok;

  RedisCostScenario(BenchOptions options) {
    this.options = options;
  }

  List<Table> run() {
    try (BenchRig rig = new BenchRig(); Http http = new Http(rig.clientVertx)) {
      Gateway gateway = rig.replicas(1, c -> c, "dailyBudgetUsd: \"100000000\"").get(0);
      requests = options.redisCostRequests();
      await(http.postJson(gateway.port(), "/generate", BenchRig.clientKey(), Http.generate("warm", "V_2", 1)));
      // The steady state: for its first 5 s on a lane a replica publishes every release (it may have missed a
      // waiter's announcement, ARCHITECTURE.md §8); that start-up cost is not the per-request cost measured here.
      sleepQuietly(RedisPermitStore.CONTENDED_MS + 500);
      Redis redis = Redis.createClient(rig.clientVertx, rig.redis.url());
      try {
        Map<String, Long> before = commandStats(redis);
        Map<String, Long> usecBefore = usec;
        usec = new TreeMap<>();
        for (int batch = 0; batch < requests; batch += 50) {
          List<Future<Reply>> replies = new ArrayList<>();
          for (int i = batch; i < Math.min(requests, batch + 50); i++) {
            replies.add(http.postJson(gateway.port(), "/generate", BenchRig.clientKey(),
                Http.generate("a paper boat " + i, "V_2", 1)));
          }
          ok += replies.stream().map(f -> await(f)).filter(r -> r.status() == 200).count();
        }
        Map<String, Long> after = commandStats(redis);
        after.forEach((command, calls) -> {
          long delta = calls - before.getOrDefault(command, 0L) - (command.equals("info") ? 1 : 0);
          if (delta > 0 && !command.equals("info")) {
            perCommand.put(command, delta);
            usecByCommand.put(command, usec.get(command) - usecBefore.getOrDefault(command, 0L));
          }
        });
      } finally {
        redis.close();
      }
    }
    Table table = new Table("5. Redis cost per gateway request (INFO commandstats)", "command", "sent by",
        "calls", "per request", "Redis µs per call");
    perCommand.forEach((command, calls) -> table.row(command, roundTrip(command) ? "gateway" : "inside Lua", calls,
        perRequest(calls), String.format(java.util.Locale.ROOT, "%.1f", usecByCommand.get(command) / (double) calls)));
    table.row("**round trips**", "gateway", roundTrips(), perRequest(roundTrips()), "");
    long commands = perCommand.values().stream().mapToLong(Long::longValue).sum();
    table.row("**commands executed**", "both", commands, perRequest(commands), "");
    table.note(requests + " requests (" + ok + " answered 200) through one replica, 50 at a time. Commands a Lua"
        + " script runs count in INFO commandstats too; they are listed as 'inside Lua' and cost no round trip."
        + String.format(java.util.Locale.ROOT, " Redis CPU per request (scripts included): %.1f µs.", usecPerRequest()));
    return List.of(table);
  }

  /** Commands the gateway sends itself; anything else ran inside a script. */
  static boolean roundTrip(String command) {
    // Besides scripts: the batch runner's and the webhook worker's polls, sent in the background.
    return command.matches("evalsha|eval|evalsha_ro|eval_ro|script.*|ping|hello|client.*|select|info|fcall.*"
        + "|srandmember|xreadgroup|xautoclaim");
  }

  long roundTrips() {
    return perCommand.entrySet().stream().filter(e -> roundTrip(e.getKey())).mapToLong(Map.Entry::getValue).sum();
  }

  /** Redis CPU per request: the round trips' time, which includes what their scripts ran. */
  double usecPerRequest() {
    return usecByCommand.entrySet().stream().filter(e -> roundTrip(e.getKey())).mapToLong(Map.Entry::getValue)
        .sum() / (double) Math.max(1, requests);
  }

  /** Every command Redis executed per request, the ones scripts ran included (the target: ≤ 15). */
  double commandsPerRequest() {
    return perCommand.values().stream().mapToLong(Long::longValue).sum() / (double) Math.max(1, requests);
  }

  double totalPerRequest() {
    return roundTrips() / (double) Math.max(1, requests);
  }

  private String perRequest(long calls) {
    return String.format(java.util.Locale.ROOT, "%.2f", calls / (double) Math.max(1, requests));
  }

  private Map<String, Long> usec = new TreeMap<>();

  /** Calls by command; fills {@link #usec} with Redis's own CPU time by command. */
  private Map<String, Long> commandStats(Redis redis) {
    String info = await(redis.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    Map<String, Long> stats = new TreeMap<>();
    Matcher matcher = CALLS.matcher(info);
    while (matcher.find()) {
      stats.put(matcher.group(1), Long.parseLong(matcher.group(2)));
      usec.put(matcher.group(1), Long.parseLong(matcher.group(3)));
    }
    return stats;
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
