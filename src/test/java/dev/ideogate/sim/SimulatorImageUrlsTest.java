package dev.ideogate.sim;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Returned image URLs are served as PNG while valid, 410 once expired, 403 when tampered with. */
@ExtendWith(VertxExtension.class)
class SimulatorImageUrlsTest {
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

  private IdeogramSimulator simulator;
  private SimTestClient http;

  @BeforeEach
  void startSimulator(Vertx vertx) {
    simulator = await(IdeogramSimulator.start(vertx,
        SimulatorOptions.defaults().withTimeScale(0).withImageUrlTtl(Duration.ofSeconds(1))));
    http = new SimTestClient(vertx, simulator);
  }

  @AfterEach
  void stopSimulator() {
    await(simulator.stop());
  }

  @Test
  void servesASignedUrlThenAnswers410AfterItExpires() throws InterruptedException {
    String url = http.generate("any-key", new JsonObject().put("prompt", "a kite")).bodyAsJsonObject()
        .getJsonArray("data").getJsonObject(0).getString("url");

    HttpResponse<Buffer> image = http.getAbsolute(url);
    assertEquals(200, image.statusCode());
    assertEquals("image/png", image.getHeader("Content-Type"));
    assertArrayEquals(PNG_MAGIC, Arrays.copyOf(image.body().getBytes(), 8));

    long expS = Long.parseLong(url.replaceAll(".*exp=(\\d+).*", "$1"));
    Thread.sleep(Math.max(0, expS * 1000 - System.currentTimeMillis()) + 20);
    assertEquals(410, http.getAbsolute(url).statusCode());
  }

  @Test
  void answers403ForATamperedSignatureOrExpiry() {
    String url = http.generate("any-key", new JsonObject().put("prompt", "a kite")).bodyAsJsonObject()
        .getJsonArray("data").getJsonObject(0).getString("url");
    String badSig = url.substring(0, url.length() - 1) + (url.endsWith("0") ? "1" : "0");
    assertEquals(403, http.getAbsolute(badSig).statusCode());
    long expS = Long.parseLong(url.replaceAll(".*exp=(\\d+).*", "$1"));
    assertEquals(403, http.getAbsolute(url.replace("exp=" + expS, "exp=" + (expS + 3600))).statusCode());
    assertEquals(403, http.get("/images/ephemeral/abc.png").statusCode());
  }
}
