package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.api.MicroUsd;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.policy.ClientKeys;
import dev.ideogate.sim.IdeogramSimulator;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.RedisLink;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's acceptance run: a 1,000-line batch over three replicas sharing one Redis, against the time-scaled
 * simulator; one replica is killed midway (its Redis link cut, then its Vert.x closed, as a crash would). Every line
 * ends; the ledger charged exactly what the lines cost; no answered line ran twice; every image is stored and
 * downloadable from any replica; the team's interactive requests made while the batch runs are answered with their
 * queue wait reported. That the lane serves them before batch lines is FairQueueTest's: here a replica's lane holds
 * at most its {@code linesPerReplica} batch lines, and the wait behind them is lost in three replicas' permit races,
 * so no timing of this run could tell a fair lane from a first-come one.
 */
class BatchClusterTest {
  private static final int LINES = 1000;
  private static final String KEY = TestConfig.clientKey("bulk");

  @TempDir
  Path images;

  private String yaml(String redisUrl, String prefix, String simulator) {
    return "environment: dev\n"
        + "server: { host: 127.0.0.1, port: 0, managementPort: 0 }\n"
        + "redis: { url: \"" + redisUrl + "\", keyPrefix: " + prefix + ", holdLease: 8s }\n"
        + "upstream: { baseUrl: \"" + simulator + "\", maxInFlightPerKey: 10, timeout: 2s }\n"
        + "batches: { imageDir: \"" + images + "\", lineLease: 6s, linesPerReplica: 8, maxLines: 2000,"
        + " urlSecret: \"cluster-url-secret-0123456789\" }\n"
        + "teams:\n"
        + "  bulk:\n"
        + "    upstreamKey: \"" + TestConfig.upstreamKey("bulk") + "\"\n"
        + "    dailyBudgetUsd: \"100\"\n"
        + "    allowedModels: [V_3]\n    allowedStyles: [AUTO]\n    maxConcurrency: 10\n    maxQueued: 1000\n"
        + "    contentPolicy: permissive\n"
        + "    clientKeys:\n      - { id: bulk-key, sha256: " + ClientKeys.sha256(KEY)
        + ", scopes: [images:generate, usage:read] }\n";
  }

  @Test
  void aThousandLinesOverThreeReplicasOneKilledEndExactlyOnceWithEveryImageKept() {
    Vertx sim = Vertx.vertx();
    Http http = new Http(sim);
    List<Vertx> replicaVertx = new ArrayList<>();
    List<Gateway> replicas = new ArrayList<>();
    List<RedisLink> links = new ArrayList<>();
    try (RedisServer redis = RedisServer.start()) {
      IdeogramSimulator simulator = await(IdeogramSimulator.start(sim,
          SimulatorOptions.defaults().withTimeScale(0.02).withAcceptAnyKey(true)));
      String prefix = "b" + UUID.randomUUID().toString().substring(0, 8);
      for (int i = 0; i < 3; i++) {
        RedisLink link = RedisLink.to(sim, redis.url());
        links.add(link);
        GatewayConfig config = ConfigLoader.parse(yaml(link.url(), prefix, simulator.baseUrl()), name -> null);
        Vertx vertx = Vertx.vertx();
        replicaVertx.add(vertx);
        replicas.add(await(Gateway.start(vertx, config, new Gateway.Options(Clock.systemUTC(), 1))));
      }
      StringBuilder jsonl = new StringBuilder();
      for (int i = 1; i <= LINES; i++) {
        jsonl.append(BatchGatewayTest.line("line-" + i, "a harbour at dawn, plate " + i, 1)).append('\n');
      }
      Reply submitted = await(http.send(HttpMethod.POST, replicas.get(0).port(), "/v1/batches",
          Map.of("Api-Key", KEY, "Content-Type", "application/jsonl"), Buffer.buffer(jsonl.toString())));
      assertEquals(201, submitted.status(), submitted.toString());
      String id = submitted.json().getString("id");

      // interactive requests of the same team while the batch runs are answered, their queue wait reported
      waitUntil(http, replicas.get(1), id, b -> b.getJsonObject("counts").getInteger("succeeded") >= 100);
      for (int i = 0; i < 5; i++) {
        Reply direct = await(http.postJson(replicas.get(1).port(), "/v1/ideogram-v3/generate", KEY,
            new JsonObject().put("prompt", "an interactive kite").put("rendering_speed", "TURBO").encode()));
        assertEquals(200, direct.status(), direct.toString());
        String wait = direct.header("X-Ideogate-Queue-Wait-Ms");
        assertTrue(wait != null && wait.matches("\\d+"), "its queue wait reported: " + direct);
      }

      waitUntil(http, replicas.get(1), id, b -> b.getJsonObject("counts").getInteger("succeeded") >= LINES / 3);
      links.get(2).cut();
      await(replicaVertx.get(2).close());

      JsonObject done = waitUntil(http, replicas.get(1), id, b -> b.getString("state").equals("completed"));
      JsonObject counts = done.getJsonObject("counts");
      Reply results = await(http.get(replicas.get(0).port(), "/v1/batches/" + id + "/results", KEY));
      List<JsonObject> lines = new ArrayList<>();
      results.body().toString().lines().forEach(l -> lines.add(new JsonObject(l)));
      assertEquals(LINES, counts.getInteger("succeeded") + counts.getInteger("unknown"), done.encode() + " "
          + lines.stream().filter(l -> l.getString("status").equals("failed")).toList());
      assertEquals(LINES, lines.size());
      Set<String> ids = new HashSet<>();
      long cost = 0;
      int downloaded = 0;
      for (JsonObject line : lines) {
        assertTrue(ids.add(line.getString("custom_id")), "each line ends once: " + line.getString("custom_id"));
        cost += MicroUsd.parse(line.getString("cost_usd"));
        if (line.getString("status").equals("succeeded")) {
          assertTrue(line.getValue("queue_wait_ms") instanceof Number, "each line reports its queue wait: "
              + line.encode());
          assertEquals(1, line.getJsonArray("images").size(), line.encode());
          String url = line.getJsonArray("images").getJsonObject(0).getString("url");
          String path = url.substring(url.indexOf("/v1/batches/files/"));
          Reply image = await(http.get(replicas.get(downloaded++ % 2).port(), path, null));
          assertEquals(200, image.status(), "stored image downloadable from any replica: " + path);
        }
      }
      assertEquals(cost, MicroUsd.parse(done.getString("cost_usd")));

      // the dead replica's holds expire and are charged in full; a reservation sweeps them into spent
      await(sim.timer(8_500));
      Gateway survivor = replicas.get(0);
      TeamConfig team = survivor.settings().config().team("bulk");
      TeamBudget budget = new TeamBudget("bulk", team.dailyBudgetMicroUsd(), team.monthlyBudgetMicroUsd());
      BudgetWindow window = BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC);
      await(survivor.ledger().release(await(survivor.ledger().reserve(budget, window, 0))));
      long interactiveCost = 5 * 30_000L;
      assertEquals(cost + interactiveCost, await(survivor.ledger().usage(budget, window)).spentDayMicroUsd(),
          "the ledger charged exactly what the lines (and the interactive requests) cost");

      await(simulator.stop());
    } finally {
      for (int i = 0; i < replicas.size(); i++) {
        try {
          await(replicas.get(i).stop());
        } catch (AssertionError | RuntimeException ignored) {
          // the killed replica
        }
        replicaVertx.get(i).close();
      }
      http.close();
      sim.close();
    }
  }

  private static JsonObject waitUntil(Http http, Gateway replica, String id,
      java.util.function.Predicate<JsonObject> reached) {
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      Reply reply = await(http.get(replica.port(), "/v1/batches/" + id, KEY));
      if (reply.status() == 200 && reached.test(reply.json())) {
        return reply.json();
      }
      try {
        Thread.sleep(100); // polling the status route, as a client would
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("batch " + id + " did not get there: "
        + await(http.get(replica.port(), "/v1/batches/" + id, KEY)));
  }
}
