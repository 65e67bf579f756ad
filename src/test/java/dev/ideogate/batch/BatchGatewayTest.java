package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.api.MicroUsd;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches on one in-memory replica against the simulator (ARCHITECTURE.md §11): a batch runs to the end with every
 * image stored and downloadable and the budget exact to the micro-dollar; a bad line refuses the whole batch; a
 * budget running out pauses or fails the rest as asked; another team sees nothing.
 */
class BatchGatewayTest {
  @TempDir
  static Path images;
  private static GatewayHarness harness;
  private static Gateway gateway;
  private static final String ALPHA = TestConfig.clientKey("alpha");
  private static final String BETA = TestConfig.clientKey("beta");
  private static final String GAMMA = TestConfig.clientKey("gamma");
  private static final String DELTA = TestConfig.clientKey("delta");
  private static final String HOOKED = TestConfig.clientKey("hooked");
  private static final String POOR = TestConfig.clientKey("poor");
  private static final String POORER = TestConfig.clientKey("poorer");
  private static final String HASTY = TestConfig.clientKey("hasty");

  @BeforeAll
  static void start() {
    harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0).withAcceptAnyKey(true));
    gateway = harness.start(url -> TestConfig.upstream(url)
        .team("alpha", "contentPolicy: permissive")
        .team("beta", "contentPolicy: permissive")
        .team("gamma", "contentPolicy: permissive")
        .team("delta", "contentPolicy: permissive")
        .team("hooked", "contentPolicy: permissive", "webhookSecret: \"hooked-webhook-secret-0123456789\"")
        // 0.30 USD: five TURBO images at 0.03 = 0.15 USD fit, worst cases included; the sixth line pauses or fails
        .team("poor", "contentPolicy: permissive", "dailyBudgetUsd: \"0.15\"")
        .team("poorer", "contentPolicy: permissive", "dailyBudgetUsd: \"0.15\"")
        // one call at a time and 1 ms of queue wait: lines run together, so most wait longer than that on the lane
        .team("hasty", "contentPolicy: permissive", "maxConcurrency: 1", "maxQueueWait: 1ms")
        .top("batches:\n  imageDir: \"" + images + "\"\n  maxLines: 50\n  maxOpenPerTeam: 3\n"
            + "  urlSecret: \"batch-url-secret-0123456789\"")
        .build());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  static String line(String id, String prompt, int images) {
    return new JsonObject().put("custom_id", id).put("endpoint", "/v1/ideogram-v3/generate")
        .put("body", new JsonObject().put("prompt", prompt).put("rendering_speed", "TURBO").put("num_images", images))
        .encode();
  }

  static String jsonl(int lines, int imagesPerLine) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i <= lines; i++) {
      out.append(line("req-" + i, "a lighthouse number " + i, imagesPerLine)).append('\n');
    }
    return out.toString();
  }

  private static Reply submit(String key, String query, String body) {
    return await(harness.http.send(HttpMethod.POST, gateway.port(), "/v1/batches" + query,
        Map.of("Api-Key", key, "Content-Type", "application/jsonl"), Buffer.buffer(body)));
  }

  private static Reply get(String key, String path) {
    return await(harness.http.get(gateway.port(), path, key));
  }

  private static JsonObject waitFor(String key, String id, Predicate<JsonObject> done) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject batch = get(key, "/v1/batches/" + id).json();
      if (done.test(batch)) {
        return batch;
      }
      await(harness.clientVertx.timer(50));
    }
    throw new AssertionError("batch " + id + " did not get there: " + get(key, "/v1/batches/" + id));
  }

  private static List<JsonObject> results(String key, String id) {
    Reply reply = get(key, "/v1/batches/" + id + "/results");
    assertEquals(200, reply.status(), reply.toString());
    List<JsonObject> lines = new ArrayList<>();
    reply.body().toString().lines().forEach(l -> lines.add(new JsonObject(l)));
    return lines;
  }

  private static long spent(String team) {
    TeamConfig config = gateway.settings().config().team(team);
    return await(gateway.ledger().usage(new TeamBudget(team, config.dailyBudgetMicroUsd(),
        config.monthlyBudgetMicroUsd()), BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC))).spentDayMicroUsd();
  }

  @Test
  void aBatchRunsToTheEndWithItsImagesStoredAndItsCostExact() throws Exception {
    Reply submitted = submit(GAMMA, "", jsonl(12, 2));
    assertEquals(201, submitted.status(), submitted.toString());
    String id = submitted.json().getString("id");
    assertEquals(12, submitted.json().getInteger("lines"));

    JsonObject done = waitFor(GAMMA, id, b -> b.getString("state").equals("completed"));
    assertEquals(12, done.getJsonObject("counts").getInteger("succeeded"), done.encode());
    List<JsonObject> results = results(GAMMA, id);
    assertEquals(12, results.size());
    long cost = 0;
    for (JsonObject r : results) {
      assertEquals("succeeded", r.getString("status"), r.encode());
      assertEquals(2, r.getJsonArray("images").size());
      cost += MicroUsd.parse(r.getString("cost_usd"));
      for (Object image : r.getJsonArray("images")) {
        String url = ((JsonObject) image).getString("url");
        String path = url.substring(url.indexOf("/v1/batches/files/"));
        Reply file = get(null, path);
        assertEquals(200, file.status(), url);
        assertTrue(file.body().length() > 8 && file.body().getByte(1) == 'P', "a PNG comes back");
        String sig = path.substring(path.indexOf("sig=") + 4);
        Reply forged = get(null, path.replace("sig=" + sig, "sig=" + new StringBuilder(sig).reverse()));
        assertEquals(404, forged.status(), "a changed signature opens nothing");
      }
    }
    assertEquals(12 * 2 * 30_000L, cost, "12 lines of two TURBO images at 0.03 USD");
    assertEquals(cost, MicroUsd.parse(done.getString("cost_usd")));
    assertEquals(cost, spent("gamma"), "the ledger charged exactly what the lines cost");
    try (var stored = Files.walk(images.resolve("gamma").resolve(id))) {
      assertEquals(24, stored.filter(Files::isRegularFile).count(), "every image kept on disk");
    }
  }

  @Test
  void anotherTeamCannotSeeListOrCancelTheBatch() {
    String id = submit(ALPHA, "", jsonl(2, 1)).json().getString("id");
    assertEquals(404, get(BETA, "/v1/batches/" + id).status());
    assertEquals(404, get(BETA, "/v1/batches/" + id + "/results").status());
    Reply cancel = await(harness.http.send(HttpMethod.POST, gateway.port(), "/v1/batches/" + id + "/cancel",
        Map.of("Api-Key", BETA), null));
    assertEquals(404, cancel.status(), cancel.toString());
    assertFalse(get(BETA, "/v1/batches").json().getJsonArray("data").encode().contains(id));
    assertTrue(get(ALPHA, "/v1/batches").json().getJsonArray("data").encode().contains(id));
  }

  @Test
  void aBadLineRefusesTheWholeBatchNamingEveryBadLine() {
    String body = line("ok-1", "a boat", 1) + "\n"
        + "{not json\n"
        + line("ok-3", "a boat", 1) + "\n"
        + new JsonObject().put("custom_id", "bad-4").put("endpoint", "/v1/ideogram-v3/generate")
            .put("body", new JsonObject().put("prompt", "a boat").put("num_images", 99)).encode() + "\n"
        + new JsonObject().put("custom_id", "bad-5").put("endpoint", "/upscale")
            .put("body", new JsonObject()).encode() + "\n";
    Reply reply = submit(DELTA, "", body);
    assertEquals(400, reply.status(), reply.toString());
    assertEquals("invalid_request", reply.code());
    String message = reply.json().getString("error");
    assertTrue(message.contains("line 2:") && message.contains("line 4:") && message.contains("line 5:"), message);
    assertFalse(message.contains("line 1:") || message.contains("line 3:"), message);
    assertEquals(0, get(DELTA, "/v1/batches").json().getJsonArray("data").size(), "nothing queued");
  }

  @Test
  void aMultipartFilePartIsABatchToo() {
    MultipartForm form = MultipartForm.create()
        .textFileUpload("file", "prompts.jsonl", Buffer.buffer(jsonl(3, 1)), "application/jsonl");
    Reply reply = await(harness.http.postMultipart(gateway.port(), "/v1/batches", BETA, form));
    assertEquals(201, reply.status(), reply.toString());
    waitFor(BETA, reply.json().getString("id"), b -> b.getString("state").equals("completed"));
  }

  @Test
  void aBudgetRunningOutPausesOrFailsTheRestAsAsked() {
    String paused = submit(POOR, "?on_budget=pause", jsonl(8, 1)).json().getString("id");
    JsonObject p = waitFor(POOR, paused,
        b -> b.getString("state").equals("paused") && b.getJsonObject("counts").getInteger("running") == 0);
    assertEquals(5, p.getJsonObject("counts").getInteger("succeeded"), p.encode());
    assertEquals(3, p.getJsonObject("counts").getInteger("queued"), p.encode());
    assertTrue(p.containsKey("paused_until"));

    String failed = submit(POORER, "?on_budget=fail", jsonl(8, 1)).json().getString("id");
    JsonObject f = waitFor(POORER, failed, b -> b.getString("state").equals("completed"));
    assertEquals(5, f.getJsonObject("counts").getInteger("succeeded"), f.encode());
    assertEquals(3, f.getJsonObject("counts").getInteger("budget_exceeded"), f.encode());
    assertEquals(150_000L, spent("poorer"));
  }

  @Test
  void aLineThatWaitedTheTeamsMaxQueueWaitIsQueuedAgainNotFailed() {
    String id = submit(HASTY, "", jsonl(8, 1)).json().getString("id");
    JsonObject done = waitFor(HASTY, id, b -> b.getString("state").equals("completed"));
    assertEquals(8, done.getJsonObject("counts").getInteger("succeeded"), done.encode());
    long requeued = results(HASTY, id).stream().filter(r -> r.getLong("queue_wait_ms", 0L) > 1).count();
    assertTrue(requeued > 0, "some line waited past the team's 1 ms maxQueueWait and still succeeded: " + done);
  }

  @Test
  void aFinishedBatchIsDeliveredToItsSignedCompletionWebhook() {
    List<io.vertx.core.MultiMap> headers = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<JsonObject> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    var receiver = await(harness.clientVertx.createHttpServer().requestHandler(request -> request.body()
        .onSuccess(body -> {
          headers.add(request.headers());
          bodies.add(body.toJsonObject());
          request.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1"));
    try {
      String hook = "http://127.0.0.1:" + receiver.actualPort() + "/batch-done";
      Reply submitted = submit(HOOKED, "?webhook_url=" + java.net.URLEncoder.encode(hook,
          java.nio.charset.StandardCharsets.UTF_8), jsonl(2, 1));
      assertEquals(201, submitted.status(), submitted.toString());
      String id = submitted.json().getString("id");
      dev.ideogate.testing.Await.until("the completion webhook", () -> !bodies.isEmpty());
      JsonObject delivered = bodies.get(0);
      assertEquals("batch.completed", delivered.getString("event"));
      assertEquals(id, delivered.getString("id"));
      assertEquals(2, delivered.getJsonObject("counts").getInteger("succeeded"));
      assertTrue(headers.get(0).get("Ideogate-Signature").startsWith("t="), "signed like every delivery");
      Reply unsigned = submit(DELTA, "?webhook_url=" + java.net.URLEncoder.encode(hook,
          java.nio.charset.StandardCharsets.UTF_8), jsonl(1, 1));
      assertEquals(400, unsigned.status(), "a team without a webhook secret cannot ask for a webhook");
    } finally {
      await(receiver.close());
    }
  }
}
