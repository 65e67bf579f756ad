package dev.ideogate.ingress;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.TestConfig;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Budgets and the in-flight limit hold under concurrent load on one replica. */
class BudgetUnderLoadTest {

  @Test
  void twoHundredConcurrentRequestsSettleExactly37ImagesWhenTheBudgetFits37() {
    try (GatewayHarness harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0))) {
      // V_2_TURBO costs 0.05 USD: 1.85 USD fits exactly 37 images.
      Gateway gateway = harness.start(url -> TestConfig.upstream(url)
          .team("exact", "dailyBudgetUsd: \"1.85\"").build());
      harness.simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey("exact")),
          SimulatorKnobs.NONE.withLatencyMs(20L));
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        replies.add(harness.http.postJson(gateway.port(), "/generate", TestConfig.clientKey("exact"),
            Http.generate("lamp " + i, "V_2_TURBO", 1)));
      }
      List<Reply> done = replies.stream().map(f -> await(f)).toList();
      long ok = done.stream().filter(r -> r.status() == 200).count();
      long refused = done.stream().filter(r -> r.status() == 402 && "budget_exceeded".equals(r.code())).count();
      assertEquals(37, ok, "exactly 37 images fit");
      assertEquals(163, refused, "every other request is 402 budget_exceeded");

      TeamUsage usage = await(gateway.ledger().usage(new TeamBudget("exact", 1_850_000, OptionalLong.empty()),
          BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC)));
      assertEquals(37 * 50_000L, usage.spentDayMicroUsd(), "spend equals 37 × price");
      assertEquals(37, usage.imagesDay());
      assertEquals(0, usage.heldMicroUsd(), "no hold left behind");
      assertEquals(37, harness.statsFor("exact").images(), "the simulator produced exactly the settled images");
    }
  }

  @Test
  void aHundredConcurrentClientsNeverPushTheSimulatorPastTenInFlight() {
    try (GatewayHarness harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0))) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url).team("busy").build());
      harness.simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey("busy")),
          SimulatorKnobs.NONE.withLatencyMs(50L));
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        replies.add(harness.http.postJson(gateway.port(), "/generate", TestConfig.clientKey("busy"),
            Http.generate("kite " + i, "V_2", 1)));
      }
      List<Reply> done = replies.stream().map(f -> await(f)).toList();
      assertTrue(done.stream().allMatch(r -> r.status() == 200), "all served: " + done.stream()
          .filter(r -> r.status() != 200).findFirst().map(Reply::toString).orElse(""));
      var stats = harness.statsFor("busy");
      assertEquals(10, stats.maxConcurrency(), "the lane kept Ideogram exactly at its limit");
      assertEquals(0, stats.rejected429(), "and never above it");
    }
  }
}
