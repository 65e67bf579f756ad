package dev.ideogate.ingress;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.TestConfig;
import dev.ideogate.upstream.Endpoint;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every Ideogram route family goes through the gateway to the simulator and back: the simulator only knows the
 * team's upstream key (a client key reaching it would be a 401, hence a 502), and the body comes back as the
 * simulator wrote it, with the X-Ideogate-* headers added.
 */
class GatewayRoutesTest {
  private static GatewayHarness harness;
  private static Gateway gateway;
  private static final String KEY = TestConfig.clientKey("routes");

  @BeforeAll
  static void start() {
    harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0)
        .withAccounts(List.of(SimulatorOptions.Account.unlimited(TestConfig.upstreamKey("routes")))));
    gateway = harness.start(url -> TestConfig.upstream(url).team("routes", "contentPolicy: permissive").build());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static Reply json(Endpoint endpoint, JsonObject body) {
    return await(harness.http.postJson(gateway.port(), endpoint.path(), KEY, body.encode()));
  }

  private static Reply multipart(Endpoint endpoint, MultipartForm form) {
    return await(harness.http.postMultipart(gateway.port(), endpoint.path(), KEY, form));
  }

  private static Reply call(Endpoint endpoint) {
    MultipartForm image = MultipartForm.create().binaryFileUpload("image", "in.png", Http.png(), "image/png");
    MultipartForm legacyImage =
        MultipartForm.create().binaryFileUpload("image_file", "in.png", Http.png(), "image/png");
    return switch (endpoint) {
      case GENERATE -> json(endpoint, new JsonObject().put("image_request",
          new JsonObject().put("prompt", "a red kite").put("model", "V_2_TURBO").put("num_images", 2)));
      case EDIT -> multipart(endpoint, legacyImage.binaryFileUpload("mask", "mask.png", Http.png(), "image/png")
          .attribute("prompt", "add a hat").attribute("model", "V_2"));
      case REMIX -> multipart(endpoint, legacyImage.attribute("image_request",
          new JsonObject().put("prompt", "in watercolour").put("num_images", 2).encode()));
      case UPSCALE -> multipart(endpoint, legacyImage.attribute("image_request", "{}"));
      case DESCRIBE -> multipart(endpoint, legacyImage);
      case REFRAME -> multipart(endpoint, legacyImage.attribute("resolution", "RESOLUTION_1024_1024")
          .attribute("model", "V_2"));
      case V3_GENERATE, V3_GENERATE_TRANSPARENT -> json(endpoint,
          new JsonObject().put("prompt", "a paper boat").put("rendering_speed", "TURBO").put("num_images", 2));
      case V3_EDIT, V3_INPAINT -> multipart(endpoint, image.binaryFileUpload("mask", "m.png", Http.png(), "image/png")
          .attribute("prompt", "a door"));
      case V3_REMIX, V3_REPLACE_BACKGROUND -> multipart(endpoint, image.attribute("prompt", "at night"));
      case V3_REFRAME -> multipart(endpoint, image.attribute("resolution", "1024x1024"));
      case V4_GENERATE, V4_GENERATE_TRANSPARENT -> json(endpoint, new JsonObject().put("text_prompt", "a glass whale"));
      default -> throw new AssertionError("no sample request for " + endpoint + ": add one");
    };
  }

  @Test
  void everyRouteFamilyForwardsWithTheTeamsUpstreamKeyAndReturnsTheSimulatorsBody() {
    Set<Endpoint> covered = EnumSet.noneOf(Endpoint.class);
    for (Endpoint endpoint : Endpoint.values()) {
      if (endpoint.path().contains("/async/")) {
        continue; // async routes are tested by the async suite
      }
      long before = harness.statsFor("routes").accepted();
      Reply reply = call(endpoint);
      assertEquals(200, reply.status(), endpoint + " → " + reply);
      assertEquals(before + 1, harness.statsFor("routes").accepted(), endpoint + " reached the simulator once");
      assertEquals("routes", reply.header("X-Ideogate-Team"));
      assertNotNull(reply.header("X-Ideogate-Cost-Usd"), endpoint + " cost header");
      assertNotNull(reply.header("X-Ideogate-Budget-Remaining-Usd"), endpoint + " remaining header");
      assertNotNull(reply.header("X-Ideogate-Queue-Wait-Ms"));
      assertNotNull(reply.header("X-Request-Id"));
      JsonObject body = reply.json();
      if (endpoint == Endpoint.DESCRIBE) {
        assertTrue(body.getJsonArray("descriptions").size() > 0, "describe body: " + body);
      } else {
        assertTrue(body.getJsonArray("data").size() >= 1, endpoint + " body: " + body);
        String url = body.getJsonArray("data").getJsonObject(0).getString("url");
        assertTrue(url.startsWith(harness.simulator.baseUrl()), "image URL from the simulator itself: " + url);
      }
      covered.add(endpoint);
    }
    assertTrue(covered.size() >= 14, "all sync route families covered: " + covered);
  }

  @Test
  void costHeaderIsTheExactPriceOfTheImagesReturned() {
    Reply reply = json(Endpoint.GENERATE, new JsonObject().put("image_request",
        new JsonObject().put("prompt", "two owls").put("model", "V_2_TURBO").put("num_images", 3)));
    assertEquals(200, reply.status(), reply.toString());
    assertEquals(3, reply.json().getJsonArray("data").size());
    assertEquals("0.15", reply.header("X-Ideogate-Cost-Usd"), "3 × 0.05 USD");
  }

  @Test
  void bearerAuthorizationWorksLikeApiKey() {
    Reply reply = await(harness.http.send(io.vertx.core.http.HttpMethod.POST, gateway.port(), "/generate",
        java.util.Map.of("Authorization", "Bearer " + KEY, "Content-Type", "application/json"),
        io.vertx.core.buffer.Buffer.buffer(Http.generate("a fox", "V_2", 1))));
    assertEquals(200, reply.status(), reply.toString());
  }

  @Test
  void usageReportsTheCallersTeamInJsonAndText() {
    Reply json = await(harness.http.get(gateway.port(), "/v1/usage", KEY));
    assertEquals(200, json.status(), json.toString());
    assertEquals("routes", json.json().getString("team"));
    assertEquals("100.00", json.json().getJsonArray("windows").getJsonObject(0).getString("budget_usd"));
    Reply text = await(harness.http.send(io.vertx.core.http.HttpMethod.GET, gateway.port(), "/v1/usage",
        java.util.Map.of("Api-Key", KEY, "Accept", "text/plain"), null));
    assertEquals(200, text.status());
    assertTrue(text.body().toString().startsWith("TEAM"), text.body().toString());
    assertTrue(text.body().toString().contains("routes"), text.body().toString());
  }
}
