package dev.ideogate.sim;

import static dev.ideogate.sim.SimTestClient.pngPart;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.testing.Await;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each route family answers with Ideogram's shape, and each refusal with Ideogram's status and body. */
@ExtendWith(VertxExtension.class)
class SimulatorRoutesTest {
  private static final String KEY = "sim-test-key-rich";
  private static final String POOR_KEY = "sim-test-key-poor";
  private static final String CREATED = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}\\+00:00";

  private IdeogramSimulator simulator;
  private SimTestClient http;

  @BeforeEach
  void startSimulator(Vertx vertx) {
    SimulatorOptions options = SimulatorOptions.defaults().withTimeScale(0).withAccounts(List.of(
        SimulatorOptions.Account.unlimited(KEY),
        new SimulatorOptions.Account(POOR_KEY, 100_000L, 10)));
    simulator = Await.await(IdeogramSimulator.start(vertx, options));
    http = new SimTestClient(vertx, simulator);
  }

  @AfterEach
  void stopSimulator() {
    Await.await(simulator.stop());
  }

  @Test
  void legacyGenerateAnswersWithOneItemPerImage() {
    HttpResponse<Buffer> response = http.generate(KEY, new JsonObject().put("prompt", "a red fox")
        .put("num_images", 3).put("style_type", "DESIGN").put("aspect_ratio", "ASPECT_16_9").put("seed", 7));
    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.getHeader("Content-Type"));
    JsonObject body = response.bodyAsJsonObject();
    assertTrue(body.getString("created").matches(CREATED), body.getString("created"));
    JsonArray data = body.getJsonArray("data");
    assertEquals(3, data.size());
    JsonObject item = data.getJsonObject(0);
    assertEquals("a red fox", item.getString("prompt"));
    assertEquals("1312x736", item.getString("resolution"));
    assertEquals(true, item.getBoolean("is_image_safe"));
    assertEquals(7L, item.getLong("seed"));
    assertEquals("DESIGN", item.getString("style_type"));
    assertTrue(item.getString("url").startsWith(simulator.baseUrl() + "/images/ephemeral/"), item.getString("url"));
    assertTrue(item.getString("url").matches(".*\\.png\\?exp=\\d+&sig=[0-9a-f]{64}"), item.getString("url"));
  }

  @Test
  void v3GenerateTakesJsonAndMultipart() {
    HttpResponse<Buffer> json = http.postJson("/v1/ideogram-v3/generate", KEY,
        new JsonObject().put("prompt", "a lighthouse").put("resolution", "1280x800").put("rendering_speed", "TURBO"));
    assertEquals(200, json.statusCode(), json.bodyAsString());
    assertEquals("1280x800", json.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("resolution"));

    HttpResponse<Buffer> multipart = http.postForm("/v1/ideogram-v3/generate", KEY, MultipartForm.create()
        .attribute("prompt", "a lighthouse").attribute("num_images", "2")
        .attribute("color_palette", "{\"name\":\"EMBER\"}"));
    assertEquals(200, multipart.statusCode(), multipart.bodyAsString());
    assertEquals(2, multipart.bodyAsJsonObject().getJsonArray("data").size());
  }

  @Test
  void v4GenerateAnswersWithAUrlResponseType() {
    HttpResponse<Buffer> response = http.postJson("/v1/ideogram-v4/generate", KEY,
        new JsonObject().put("text_prompt", "a poster").put("rendering_speed", "QUALITY"));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("url", response.bodyAsJsonObject().getString("response_type"));
    assertFalse(response.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).containsKey("style_type"));
  }

  @Test
  void remixAndUpscaleReadImageRequestFromAJsonPart() {
    HttpResponse<Buffer> remix = http.postForm("/remix", KEY, pngPart(MultipartForm.create()
        .attribute("image_request", "{\"prompt\":\"make it blue\",\"image_weight\":30,\"num_images\":2}"),
        "image_file"));
    assertEquals(200, remix.statusCode(), remix.bodyAsString());
    assertEquals(2, remix.bodyAsJsonObject().getJsonArray("data").size());

    HttpResponse<Buffer> upscale = http.postForm("/upscale", KEY, pngPart(MultipartForm.create()
        .attribute("image_request", "{\"resemblance\":60}"), "image_file"));
    assertEquals(200, upscale.statusCode(), upscale.bodyAsString());
    JsonObject item = upscale.bodyAsJsonObject().getJsonArray("data").getJsonObject(0);
    assertEquals("1024x1024", item.getString("resolution"));
    assertEquals("2048x2048", item.getString("upscaled_resolution"));
  }

  @Test
  void takesATenThousandCharacterPromptInAJsonPartAFlatPartAndAJsonBody() {
    String prompt = "🦊".repeat(10_000);
    String escaped = "\\ud83e\\udd8a".repeat(10_000);
    HttpResponse<Buffer> remix = http.postForm("/remix", KEY, pngPart(MultipartForm.create()
        .attribute("image_request", "{\"prompt\":\"" + escaped + "\"}"), "image_file"));
    assertEquals(200, remix.statusCode(), remix.bodyAsString());
    assertEquals(prompt, remix.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("prompt"));
    HttpResponse<Buffer> flat = http.postForm("/v1/ideogram-v3/remix", KEY,
        pngPart(MultipartForm.create().attribute("prompt", prompt), "image"));
    assertEquals(200, flat.statusCode(), flat.bodyAsString());
    assertEquals(prompt, flat.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("prompt"));
    HttpResponse<Buffer> json = http.postJson("/v1/ideogram-v4/generate", KEY,
        new JsonObject().put("text_prompt", prompt));
    assertEquals(200, json.statusCode(), json.bodyAsString());
  }

  @Test
  void refusesATextPartOverTheReadersLimitWithA400NotA500() {
    String huge = "n".repeat(RequestBodyReader.MAX_TEXT_PART_BYTES + 1);
    HttpResponse<Buffer> asAttribute = http.postForm("/v1/ideogram-v3/remix", KEY, pngPart(MultipartForm.create()
        .attribute("prompt", "p").attribute("negative_prompt", huge), "image"));
    assertEquals(400, asAttribute.statusCode(), asAttribute.bodyAsString());
    assertTrue(asAttribute.bodyAsJsonObject().getString("error").startsWith("the multipart body could not be read"));
    HttpResponse<Buffer> asNamedPart = http.postForm("/v1/ideogram-v3/remix", KEY, pngPart(MultipartForm.create()
        .attribute("prompt", "p").textFileUpload("negative_prompt", "n.txt", Buffer.buffer(huge), "text/plain"),
        "image"));
    assertEquals(400, asNamedPart.statusCode(), asNamedPart.bodyAsString());
    assertEquals("negative_prompt is longer than 1048576 bytes", asNamedPart.bodyAsJsonObject().getString("error"));
  }

  @Test
  void flatMultipartRoutesRequireTheirFiles() {
    HttpResponse<Buffer> edit = http.postForm("/v1/ideogram-v3/edit", KEY,
        pngPart(pngPart(MultipartForm.create().attribute("prompt", "add a hat"), "image"), "mask"));
    assertEquals(200, edit.statusCode(), edit.bodyAsString());
    HttpResponse<Buffer> reframe = http.postForm("/reframe", KEY, pngPart(MultipartForm.create()
        .attribute("model", "V_2").attribute("resolution", "RESOLUTION_1280_720"), "image_file"));
    assertEquals(200, reframe.statusCode(), reframe.bodyAsString());
    assertEquals("1280x720", reframe.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("resolution"));

    HttpResponse<Buffer> missing = http.postForm("/v1/ideogram-v3/edit", KEY,
        pngPart(MultipartForm.create().attribute("prompt", "add a hat"), "image"));
    assertEquals(400, missing.statusCode());
    assertTrue(missing.bodyAsJsonObject().getString("error").startsWith("mask is required"));
  }

  @Test
  void describeAnswersWithDescriptions() {
    HttpResponse<Buffer> response = http.postForm("/describe", KEY, pngPart(MultipartForm.create(), "image_file"));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertFalse(response.bodyAsJsonObject().getJsonArray("descriptions").getJsonObject(0).getString("text").isEmpty());
  }

  @Test
  void rejectsAFileThatIsNotAnImageByItsContent() {
    HttpResponse<Buffer> response = http.postForm("/describe", KEY, MultipartForm.create()
        .binaryFileUpload("image_file", "cat.png", Buffer.buffer("GIF89a not really a png"), "image/png"));
    assertEquals(400, response.statusCode());
    assertTrue(response.bodyAsJsonObject().getString("error").startsWith("image_file must be a JPEG, PNG or WebP"));
  }

  @Test
  void answers401ForAnUnknownKeyAnd403OnRemixAndUpscale() {
    assertEquals(401, http.generate("unknown-key", new JsonObject().put("prompt", "p")).statusCode());
    assertEquals(401, http.generate(null, new JsonObject().put("prompt", "p")).statusCode());
    assertEquals(401, http.postJson("/v1/ideogram-v3/generate", "unknown-key",
        new JsonObject().put("prompt", "p")).statusCode());
    for (String path : List.of("/remix", "/upscale", "/v1/ideogram-v3/remix")) {
      HttpResponse<Buffer> response = http.postForm(path, "unknown-key", MultipartForm.create());
      assertEquals(403, response.statusCode(), path);
      assertEquals("Not authorized to generate an image", response.bodyAsJsonObject().getString("error"));
    }
    assertEquals(SimulatorStats.empty(KeyFingerprint.of("unknown-key")),
        simulator.stats(KeyFingerprint.of("unknown-key")));
  }

  @Test
  void answers400NamingTheInvalidField() {
    HttpResponse<Buffer> response = http.generate(KEY, new JsonObject().put("prompt", "p").put("num_images", 9));
    assertEquals(400, response.statusCode());
    assertEquals("num_images must be an integer between 1 and 8, got 9",
        response.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> notWrapped = http.postJson("/generate", KEY, new JsonObject().put("prompt", "p"));
    assertEquals(400, notWrapped.statusCode());
    assertTrue(notWrapped.bodyAsJsonObject().getString("error").startsWith("image_request is required"));
    HttpResponse<Buffer> wrongEncoding = http.postJson("/remix", KEY, new JsonObject());
    assertEquals("Content-Type must be multipart/form-data for /remix",
        wrongEncoding.bodyAsJsonObject().getString("error"));
  }

  @Test
  void answers422ForAFlaggedPrompt() {
    HttpResponse<Buffer> response = http.generate(KEY, new JsonObject().put("prompt", "a Simulator-Unsafe scene"));
    assertEquals(422, response.statusCode());
    assertEquals(new JsonObject().put("error", ImageCallHandler.SAFETY_ERROR), response.bodyAsJsonObject());
  }

  @Test
  void answers402WhenCreditsRunOut() {
    JsonObject v2 = new JsonObject().put("prompt", "p").put("model", "V_2");
    assertEquals(200, http.generate(POOR_KEY, v2).statusCode());
    HttpResponse<Buffer> refused = http.generate(POOR_KEY, v2);
    assertEquals(402, refused.statusCode());
    assertEquals("insufficient_funds", refused.bodyAsJsonObject().getString("reject_reason"));
    assertEquals("Insufficient credits: this request costs 0.08 USD and the account has 0.02 USD left.",
        refused.bodyAsJsonObject().getString("error"));
    SimulatorStats stats = simulator.stats(KeyFingerprint.of(POOR_KEY));
    assertEquals(80_000L, stats.creditsUsedMicroUsd());
    assertEquals(20_000L, stats.creditsRemainingMicroUsd());
    assertEquals(2, stats.requests());
    assertEquals(1, stats.accepted());
    assertEquals(1, stats.images());
  }

  @Test
  void answers404ForAnUnknownPath() {
    assertEquals(404, http.postJson("/v1/ideogram-v9/generate", KEY, new JsonObject()).statusCode());
  }
}
