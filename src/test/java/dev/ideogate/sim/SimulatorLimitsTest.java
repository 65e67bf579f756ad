package dev.ideogate.sim;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The in-flight limit is exact, 429s follow the knobs, and stats and the request log tell what happened. */
@ExtendWith(VertxExtension.class)
class SimulatorLimitsTest {
  private static final String KEY = "sim-limits-key";
  private static final String OTHER_KEY = "sim-limits-other-key";
  private static final String FP = KeyFingerprint.of(KEY);
  private static final JsonObject PROMPT = new JsonObject().put("prompt", "a quiet harbour");

  private IdeogramSimulator simulator;
  private SimTestClient http;

  @BeforeEach
  void startSimulator(Vertx vertx) {
    simulator = await(IdeogramSimulator.start(vertx, SimulatorOptions.defaults().withTimeScale(0)));
    http = new SimTestClient(vertx, simulator);
  }

  @AfterEach
  void stopSimulator() {
    await(simulator.stop());
  }

  @Test
  void admitsTenAtOnceAndAnswers429ToTheOtherFive() {
    simulator.configure(FP, SimulatorKnobs.NONE.withLatencyMs(1_000L));
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      calls.add(http.sendJson("/generate", KEY, new JsonObject().put("image_request", PROMPT)));
    }
    await(Future.join(calls));
    List<HttpResponse<Buffer>> rejected = calls.stream().map(Future::result).filter(r -> r.statusCode() == 429)
        .toList();
    assertEquals(5, rejected.size());
    assertEquals(10, calls.stream().filter(call -> call.result().statusCode() == 200).count());
    JsonObject body = rejected.get(0).bodyAsJsonObject();
    assertEquals("inflight_limit", body.getString("reject_reason"));
    assertEquals(10, body.getInteger("max_inflight_requests"));
    assertNull(rejected.get(0).getHeader("Retry-After"));

    SimulatorStats stats = simulator.stats(FP);
    assertEquals(10, stats.maxConcurrency());
    assertEquals(15, stats.requests());
    assertEquals(10, stats.accepted());
    assertEquals(5, stats.rejected429());
    assertEquals(0, stats.inFlight());
    assertEquals(10, stats.images());
    assertEquals(800_000L, stats.creditsUsedMicroUsd());
  }

  @Test
  void countsSequentialCallsAsConcurrencyOne() {
    for (int i = 0; i < 5; i++) {
      assertEquals(200, http.generate(KEY, PROMPT).statusCode());
    }
    assertEquals(1, simulator.stats(FP).maxConcurrency());
  }

  @Test
  void keepsEachKeysLimitApart() {
    simulator.configure(SimulatorKnobs.NONE.withMaxInFlight(2).withLatencyMs(300L));
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      calls.add(http.sendJson("/generate", KEY, new JsonObject().put("image_request", PROMPT)));
      calls.add(http.sendJson("/generate", OTHER_KEY, new JsonObject().put("image_request", PROMPT)));
    }
    await(Future.join(calls));
    assertTrue(calls.stream().allMatch(call -> call.result().statusCode() == 200));
    assertEquals(2, simulator.stats(FP).maxConcurrency());
    assertEquals(2, simulator.stats(KeyFingerprint.of(OTHER_KEY)).maxConcurrency());
  }

  @Test
  void forces429sWithoutRetryAfterByDefault() {
    simulator.configure(FP, SimulatorKnobs.NONE.withForce429Count(2));
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> response = http.generate(KEY, PROMPT);
      assertEquals(429, response.statusCode());
      assertNull(response.getHeader("Retry-After"));
    }
    assertEquals(200, http.generate(KEY, PROMPT).statusCode());
    assertEquals(200, http.generate(OTHER_KEY, PROMPT).statusCode());
    SimulatorStats stats = simulator.stats(FP);
    assertEquals(2, stats.rejected429());
    assertEquals(1, stats.maxConcurrency());
  }

  @Test
  void forces429sWithRetryAfterSetOverHttp() throws InterruptedException {
    HttpResponse<Buffer> set = http.postJson("/__sim/knobs", null,
        new JsonObject().put("key", FP).put("force429Count", 1).put("retryAfterS", 1));
    assertEquals(200, set.statusCode(), set.bodyAsString());
    HttpResponse<Buffer> throttled = http.generate(KEY, PROMPT);
    assertEquals(429, throttled.statusCode());
    assertEquals("1", throttled.getHeader("Retry-After"));
    Thread.sleep(1_000L * Integer.parseInt(throttled.getHeader("Retry-After")));
    assertEquals(200, http.generate(KEY, PROMPT).statusCode());

    JsonArray log = http.get("/__sim/requests?key=" + FP).bodyAsJsonArray();
    assertEquals(2, log.size());
    JsonObject first = log.getJsonObject(0);
    JsonObject retry = log.getJsonObject(1);
    assertEquals(429, first.getInteger("status"));
    assertEquals(200, retry.getInteger("status"));
    assertEquals("/generate", retry.getString("path"));
    assertTrue(retry.getLong("arrivedAtMs") - first.getLong("arrivedAtMs") >= 1_000);
    assertTrue(first.getLong("finishedAtMs") >= first.getLong("arrivedAtMs"));
  }

  @Test
  void rejectsAnUnknownKnobOverHttp() {
    HttpResponse<Buffer> response = http.postJson("/__sim/knobs", null, new JsonObject().put("latencyMillis", 5));
    assertEquals(400, response.statusCode());
    assertTrue(response.bodyAsJsonObject().getString("error").contains("unknown knob 'latencyMillis'"));
  }

  @Test
  void reportsStatsPerFingerprintNeverTheKey() {
    http.generate(KEY, PROMPT.copy().put("num_images", 2));
    http.postJson("/v1/ideogram-v3/generate", OTHER_KEY, PROMPT);
    HttpResponse<Buffer> response = http.get("/__sim/stats");
    assertFalse(response.bodyAsString().contains(KEY));
    JsonObject stats = response.bodyAsJsonObject().getJsonObject(FP);
    assertEquals(1, stats.getLong("requests"));
    assertEquals(1, stats.getLong("accepted"));
    assertEquals(2, stats.getLong("images"));
    assertEquals(160_000L, stats.getLong("creditsUsedMicroUsd"));
    assertEquals(1, stats.getInteger("maxConcurrency"));
    assertEquals(0, stats.getInteger("inFlight"));
    assertEquals("/generate", stats.getString("lastPath"));
    JsonObject other = response.bodyAsJsonObject().getJsonObject(KeyFingerprint.of(OTHER_KEY));
    assertEquals("/v1/ideogram-v3/generate", other.getString("lastPath"));
    assertEquals(60_000L, other.getLong("creditsUsedMicroUsd"));
  }

  @Test
  void resetZeroesStatsAndKnobs() {
    simulator.configure(SimulatorKnobs.NONE.withUnsafeRate(1));
    http.generate(KEY, PROMPT);
    assertEquals(204, await(http.sendJson("/__sim/reset", null, new JsonObject())).statusCode());
    assertEquals(SimulatorStats.empty(FP), simulator.stats(FP));
    assertTrue(http.generate(KEY, PROMPT).bodyAsJsonObject().getJsonArray("data").getJsonObject(0)
        .getBoolean("is_image_safe"));
  }

  @Test
  void returnsUnsafeImagesWithoutUrlsAndStillCountsThem() {
    simulator.configure(FP, SimulatorKnobs.NONE.withUnsafeRate(1));
    JsonObject item = http.generate(KEY, PROMPT).bodyAsJsonObject().getJsonArray("data").getJsonObject(0);
    assertFalse(item.getBoolean("is_image_safe"));
    assertTrue(item.containsKey("url"));
    assertNull(item.getString("url"));
    assertEquals(1, simulator.stats(FP).images());
  }

  @Test
  void answers500WithoutBillingAtErrorRateOne() {
    simulator.configure(FP, SimulatorKnobs.NONE.withErrorRate5xx(1));
    assertEquals(500, http.generate(KEY, PROMPT).statusCode());
    SimulatorStats stats = simulator.stats(FP);
    assertEquals(0, stats.creditsUsedMicroUsd());
    assertEquals(0, stats.inFlight());
  }

  @Test
  void dropsTheConnectionAtDropRateOne() {
    simulator.configure(FP, SimulatorKnobs.NONE.withDropConnectionRate(1));
    Future<HttpResponse<Buffer>> call = http.sendJson("/generate", KEY, new JsonObject().put("image_request", PROMPT));
    boolean failed = await(call.<Boolean>transform(done -> Future.succeededFuture(done.failed())));
    assertTrue(failed, "the client saw its connection closed");
    assertEquals(0, simulator.stats(FP).inFlight());
    assertEquals(0, simulator.recentRequests(FP).get(0).status());
  }

  @Test
  void stallsTheBodyForSlowResponseMs() {
    simulator.configure(FP, SimulatorKnobs.NONE.withSlowResponseMs(400L));
    long startMs = System.currentTimeMillis();
    HttpResponse<Buffer> response = http.generate(KEY, PROMPT);
    assertEquals(200, response.statusCode());
    assertEquals(1, response.bodyAsJsonObject().getJsonArray("data").size());
    assertTrue(System.currentTimeMillis() - startMs >= 400);
  }
}
