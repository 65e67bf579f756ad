package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.api.MicroUsd;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/batches/{id}/cancel} over HTTP (ARCHITECTURE.md §13) against a simulator slow enough that lines
 * are running when the cancel comes: the queued lines end {@code cancelled} at once and cost nothing, the running
 * ones finish and are counted, the batch ends {@code cancelled}, and the ledger charged exactly the lines that ran.
 * Another team's cancel is a 404 that cancels nothing.
 */
class BatchCancelTest {
  private static final String OWNER = TestConfig.clientKey("owner");
  private static final String OTHER = TestConfig.clientKey("other");
  private static final int LINES = 8;

  @TempDir
  Path images;

  @Test
  void cancellingReleasesTheQueuedLinesLetsTheRunningOnesFinishAndChargesExactlyWhatRan() {
    // TURBO takes 3 s at Ideogram; 0.3 of it here, so a line runs for about a second
    try (GatewayHarness harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0.3)
        .withAcceptAnyKey(true))) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url)
          .team("owner", "contentPolicy: permissive")
          .team("other", "contentPolicy: permissive")
          .top("batches:\n  imageDir: \"" + images + "\"\n  linesPerReplica: 2\n"
              + "  urlSecret: \"cancel-url-secret-0123456789\"")
          .build());
      Reply submitted = await(harness.http.send(HttpMethod.POST, gateway.port(), "/v1/batches",
          Map.of("Api-Key", OWNER, "Content-Type", "application/jsonl"),
          Buffer.buffer(BatchGatewayTest.jsonl(LINES, 1))));
      assertEquals(201, submitted.status(), submitted.toString());
      String id = submitted.json().getString("id");
      waitFor(harness, gateway, id, b -> b.getJsonObject("counts").getInteger("running") == 2);

      Reply foreign = cancel(harness, gateway, OTHER, id);
      assertEquals(404, foreign.status(), foreign.toString());
      assertEquals("not_found", foreign.code());
      assertEquals("running", status(harness, gateway, id).getString("state"), "another team's cancel changed nothing");

      Reply cancelled = cancel(harness, gateway, OWNER, id);
      assertEquals(200, cancelled.status(), cancelled.toString());
      JsonObject after = status(harness, gateway, id);
      assertEquals("cancelled", after.getString("state"), after.encode());
      JsonObject counts = after.getJsonObject("counts");
      assertEquals(0, counts.getInteger("queued"), "no line left queued: " + counts);
      int running = counts.getInteger("running");
      int endedAtOnce = counts.getInteger("cancelled");
      assertTrue(running >= 1, "lines running when the cancel came keep running: " + counts);
      assertEquals(LINES, running + endedAtOnce + counts.getInteger("succeeded"), counts.encode());

      JsonObject done = waitFor(harness, gateway, id, b -> b.getJsonObject("counts").getInteger("running") == 0);
      JsonObject end = done.getJsonObject("counts");
      assertEquals("cancelled", done.getString("state"));
      assertEquals(endedAtOnce, end.getInteger("cancelled"), "the running lines were not cancelled: " + end);
      assertEquals(LINES, end.getInteger("succeeded") + end.getInteger("cancelled"), end.encode());
      assertTrue(end.getInteger("succeeded") >= running, "the running lines finished: " + end);

      List<JsonObject> results = new ArrayList<>();
      await(harness.http.get(gateway.port(), "/v1/batches/" + id + "/results", OWNER)).body().toString().lines()
          .forEach(l -> results.add(new JsonObject(l)));
      assertEquals(LINES, results.size());
      long cost = 0;
      for (JsonObject r : results) {
        long lineCost = MicroUsd.parse(r.getString("cost_usd"));
        assertEquals(r.getString("status").equals("succeeded") ? 30_000 : 0, lineCost, r.encode());
        cost += lineCost;
      }
      assertEquals(end.getInteger("succeeded") * 30_000L, cost);
      assertEquals(cost, MicroUsd.parse(done.getString("cost_usd")));
      TeamConfig team = gateway.settings().config().team("owner");
      TeamUsage usage = await(gateway.ledger().usage(new TeamBudget("owner", team.dailyBudgetMicroUsd(),
          team.monthlyBudgetMicroUsd()), BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC)));
      assertEquals(cost, usage.spentDayMicroUsd(), "the ledger charged exactly the lines that ran");
      assertEquals(0, usage.heldMicroUsd(), "the cancelled lines hold nothing");
      assertEquals(end.getInteger("succeeded"), (int) harness.statsFor("owner").requests(),
          "a cancelled line never reached Ideogram");
      Reply again = cancel(harness, gateway, OWNER, id);
      assertEquals(200, again.status(), "cancelling a cancelled batch answers it as it is");
      assertEquals(end, again.json().getJsonObject("counts"), "and changes nothing");
    }
  }

  private static Reply cancel(GatewayHarness harness, Gateway gateway, String key, String id) {
    return await(harness.http.send(HttpMethod.POST, gateway.port(), "/v1/batches/" + id + "/cancel",
        Map.of("Api-Key", key), null));
  }

  private static JsonObject status(GatewayHarness harness, Gateway gateway, String id) {
    Reply reply = await(harness.http.get(gateway.port(), "/v1/batches/" + id, OWNER));
    assertEquals(200, reply.status(), reply.toString());
    return reply.json();
  }

  private static JsonObject waitFor(GatewayHarness harness, Gateway gateway, String id, Predicate<JsonObject> done) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject batch = status(harness, gateway, id);
      if (done.test(batch)) {
        return batch;
      }
      await(harness.clientVertx.timer(20));
    }
    throw new AssertionError("batch " + id + " did not get there: " + status(harness, gateway, id));
  }
}
