package dev.ideogate.ingress;

import static dev.ideogate.testing.SecurityFixture.ALPHA_KEY;
import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.async.AsyncSettings;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.SecurityFixture;
import dev.ideogate.testing.SecurityFixture.Reply;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/generations/{id}} is a call to Ideogram like any other (ARCHITECTURE.md §10): it spends the team's
 * rate limit and goes through the team's lane, so a tight poll loop is refused with 429 by the gateway instead of
 * drawing 429s from Ideogram for every team sharing the upstream key. The reconciler's polls (a generation whose
 * callback never came) take the same lane.
 */
class GenerationPollLimitsTest {
  private final SecurityFixture fixture = new SecurityFixture();

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void pollsSpendTheTeamsRateLimitAndGoThroughItsLane() {
    submitThenPollUntilRateLimited("");
  }

  /**
   * On Redis the submit's token is spent by its reserve script (ARCHITECTURE.md §2 step 10) and the polls' by
   * {@code rate_limit.lua}: one bucket, whichever script writes it.
   */
  @Test
  void onRedisTheSubmitsReserveAndThePollsShareOneBucket() {
    try (RedisServer redis = RedisServer.start()) {
      submitThenPollUntilRateLimited("redis: { url: \"" + redis.url() + "\", keyPrefix: gp" + System.nanoTime() + " }");
    }
  }

  private void submitThenPollUntilRateLimited(String top) {
    String yaml = fixture.yaml(top, "", "rateLimit: { perMinute: 1, burst: 3 }")
        .replace("allowedModels: [V_2, V_2_TURBO, V_3]", "allowedModels: [V_2, V_2_TURBO, V_3, V_4]");
    Gateway gateway = fixture.start(SecurityFixture.parse(yaml));
    Reply accepted = await(fixture.send(HttpMethod.POST, gateway.port(), "/v1/ideogram-v4/async/generate",
        Map.of("Api-Key", ALPHA_KEY, "Content-Type", "application/json"), Buffer.buffer(new JsonObject()
            .put("text_prompt", "a fox").put("num_images", 1).put("rendering_speed", "TURBO").encode())));
    assertEquals(200, accepted.status(), accepted::toString);
    String id = accepted.json().getString("generation_id");

    for (int i = 0; i < 2; i++) {
      Reply poll = fixture.get(gateway.port(), "/v1/generations/" + id, ALPHA_KEY);
      assertEquals(200, poll.status(), poll::toString);
      assertEquals(poll.header("X-Request-Id"), fixture.simulator.stats(KeyFingerprint.of("sim-key-alpha-0123456789"))
          .lastRequestId(), "a poll carries the request's id (and its traceparent) to Ideogram, as an image call does");
    }
    assertEquals(3.0, upstreamResponses(gateway), "the submit and both polls went to Ideogram through the lane");

    Reply limited = fixture.get(gateway.port(), "/v1/generations/" + id, ALPHA_KEY);
    assertEquals(429, limited.status(), limited::toString);
    assertEquals(ErrorCode.RATE_LIMITED.code(), limited.code());
    assertEquals(3.0, upstreamResponses(gateway), "a refused poll never reaches Ideogram");
  }

  @Test
  void theReconcilersPollsGoThroughTheLane() {
    String yaml = fixture.yaml("", "", "")
        .replace("allowedModels: [V_2, V_2_TURBO, V_3]", "allowedModels: [V_2, V_2_TURBO, V_3, V_4]");
    Gateway gateway = fixture.start(SecurityFixture.parse(yaml), Gateway.Options.defaults()
        .withAsync(AsyncSettings.defaults().withReconcile(50, 20)));
    Reply accepted = await(fixture.send(HttpMethod.POST, gateway.port(), "/v1/ideogram-v4/async/generate",
        Map.of("Api-Key", ALPHA_KEY, "Content-Type", "application/json"), Buffer.buffer(new JsonObject()
            .put("text_prompt", "a fox").put("num_images", 1).put("rendering_speed", "TURBO").encode())));
    assertEquals(200, accepted.status(), accepted::toString);

    Await.until("the reconciler settled the generation", () -> gateway.async().reconciler().settled.get() == 1);
    assertTrue(upstreamResponses(gateway) >= 2.0, "the reconciler's polls went to Ideogram through the lane, "
        + "counted with its answers: " + upstreamResponses(gateway));
  }

  private static double upstreamResponses(Gateway gateway) {
    return gateway.metrics().scrape().lines().filter(l -> l.startsWith("ideogate_upstream_responses_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
