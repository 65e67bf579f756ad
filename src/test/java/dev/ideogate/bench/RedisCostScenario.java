package dev.ideogate.bench;

import static dev.ideogate.testing.Http.await;

import dev.ideogate.Gateway;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.Http.Reply;
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
  private static final Pattern CALLS = Pattern.compile("cmdstat_([a-z|_]+):calls=(\\d+)");

  private final BenchOptions options;
  final Map<String, Long> perCommand = new TreeMap<>();
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
      Redis redis = Redis.createClient(rig.clientVertx, rig.redis.url());
      try {
        Map<String, Long> before = commandStats(redis);
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
          if (delta > 0) {
            perCommand.put(command, delta);
          }
        });
      } finally {
        redis.close();
      }
    }
    long total = perCommand.values().stream().mapToLong(Long::longValue).sum();
    Table table = new Table("5. Redis cost per gateway request (INFO commandstats)", "command", "calls",
        "per request");
    perCommand.forEach((command, calls) -> table.row(command, calls, perRequest(calls)));
    table.row("**total**", total, perRequest(total));
    table.note(requests + " requests (" + ok + " answered 200) through one replica, 50 at a time; the ledger's"
        + " scripts run as EVALSHA (reserve + settle per request).");
    return List.of(table);
  }

  double totalPerRequest() {
    return perCommand.values().stream().mapToLong(Long::longValue).sum() / (double) Math.max(1, requests);
  }

  private String perRequest(long calls) {
    return String.format(java.util.Locale.ROOT, "%.2f", calls / (double) Math.max(1, requests));
  }

  private static Map<String, Long> commandStats(Redis redis) {
    String info = await(redis.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    Map<String, Long> stats = new TreeMap<>();
    Matcher matcher = CALLS.matcher(info);
    while (matcher.find()) {
      stats.put(matcher.group(1), Long.parseLong(matcher.group(2)));
    }
    return stats;
  }
}
