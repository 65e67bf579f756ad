package dev.ideogate.async;

import static dev.ideogate.testing.Await.await;
import static dev.ideogate.async.AsyncCluster.v4;
import static dev.ideogate.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.ideogate.budget.TeamUsage;
import dev.ideogate.sim.SimulatorKnobs;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The async route accounts exactly as the sync one (one {@code Accounting}, ARCHITECTURE.md §7), over real HTTP
 * through a gateway and the simulator: settled from the callback with the images returned; released when Ideogram
 * refuses; the whole hold charged, and no image counted, when Ideogram failed or the answer was lost.
 */
class AsyncAccountingTest {
  /** One TURBO image of V4: the worst case held, and the charge when it comes back. */
  private static final long ONE_TURBO = 30_000;
  private static AsyncCluster cluster;

  @BeforeAll
  static void start() {
    cluster = new AsyncCluster(null, 1, AsyncDeliveryTest.FAST, "dev", "", 0.01);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @AfterEach
  void resetSimulator() {
    cluster.simulator.configure(SimulatorKnobs.NONE);
  }

  @Test
  void anAcceptedGenerationIsSettledWithTheImagesReturned() {
    TeamUsage before = cluster.usage(0, "alpha");
    HttpResponse<Buffer> accepted = await(cluster.submit(0, "alpha", v4("a fox", 1, "TURBO"), null));
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    assertNotNull(accepted.bodyAsJsonObject().getString("generation_id"));
    until("the callback settles the hold", Duration.ofMillis(10_000), () -> cluster.usage(0, "alpha").heldMicroUsd() == 0
        && cluster.usage(0, "alpha").spentDayMicroUsd() > before.spentDayMicroUsd());
    TeamUsage after = cluster.usage(0, "alpha");
    assertEquals(ONE_TURBO, after.spentDayMicroUsd() - before.spentDayMicroUsd());
    assertEquals(1, after.imagesDay() - before.imagesDay());
  }

  @Test
  void aRefusalByIdeogramReleasesTheHold() {
    TeamUsage before = cluster.usage(0, "alpha");
    HttpResponse<Buffer> refused = await(cluster.submit(0, "alpha", v4("a simulator-unsafe fox", 1, "TURBO"), null));
    assertEquals(422, refused.statusCode(), refused.bodyAsString());
    assertEquals("upstream_safety_rejected", refused.bodyAsJsonObject().getString("code"));
    TeamUsage after = cluster.usage(0, "alpha");
    assertEquals(0, after.heldMicroUsd(), "released, not left to expire");
    assertEquals(before.spentDayMicroUsd(), after.spentDayMicroUsd(), "nothing charged");
    assertEquals(before.imagesDay(), after.imagesDay());
  }

  @Test
  void anIdeogramErrorChargesTheWholeHoldAndCountsNoImage() {
    cluster.simulator.configure(SimulatorKnobs.NONE.withErrorRate5xx(1.0));
    assertChargedInFullWithoutImage("a fox at the server error", "upstream_error");
  }

  @Test
  void aLostAnswerChargesTheWholeHoldAndCountsNoImage() {
    cluster.simulator.configure(SimulatorKnobs.NONE.withDropConnectionRate(1.0));
    assertChargedInFullWithoutImage("a fox on a dropped line", "upstream_error");
  }

  private static void assertChargedInFullWithoutImage(String prompt, String code) {
    TeamUsage before = cluster.usage(0, "beta");
    HttpResponse<Buffer> failed = await(cluster.submit(0, "beta", v4(prompt, 1, "TURBO"), null));
    assertEquals(502, failed.statusCode(), failed.bodyAsString());
    assertEquals(code, failed.bodyAsJsonObject().getString("code"));
    assertNotNull(failed.bodyAsJsonObject().getString("request_id"));
    TeamUsage after = cluster.usage(0, "beta");
    assertEquals(0, after.heldMicroUsd(), "settled at once, not left to expire");
    assertEquals(ONE_TURBO, after.spentDayMicroUsd() - before.spentDayMicroUsd(), "the whole hold is charged");
    assertEquals(before.imagesDay(), after.imagesDay(), "no image came back, none is counted");
  }
}
