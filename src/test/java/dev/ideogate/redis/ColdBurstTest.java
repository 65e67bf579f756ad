package dev.ideogate.redis;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ideogate.Gateway;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.sim.SimulatorKnobs;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.RedisCluster;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.TestConfig;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a batch generator's burst on replicas just started (no warm-up: no request served yet) is
 * money, never a 503. Three fresh replicas on one Redis (or a three-master Redis Cluster), 2,000 one-image requests
 * at once on at most 600 connections, a budget that fits 137 images: exactly 137 are served and the rest get 402.
 * The command timeout measures Redis' silence, not the wait behind the burst (ARCHITECTURE.md §2).
 */
class ColdBurstTest {
  private static final String TEAM = "cold-137";
  private static final long BUDGET_MICRO_USD = 6_850_000; // V_2_TURBO at 0.05 USD: 6.85 USD fits exactly 137 images
  private static final int REQUESTS = 2_000;

  @Test
  void aBurstOnColdReplicasGetsExactlyTheBudgetAndNo503() {
    try (RedisServer redis = RedisServer.startOwned()) {
      burstOnThreeColdReplicas(redis.url(), "standalone");
    }
  }

  @Test
  void theSameBurstOnAThreeMasterRedisClusterGetsExactlyTheBudgetAndNo503() {
    try (RedisCluster cluster = RedisCluster.start()) {
      burstOnThreeColdReplicas(cluster.url(), "cluster");
    }
  }

  private static void burstOnThreeColdReplicas(String redisUrl, String mode) {
    try (GatewayHarness harness = GatewayHarness.fastSimulator();
        Http http = new Http(harness.clientVertx, 200)) {
      List<Gateway> gateways = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        gateways.add(harness.start(url -> TestConfig.upstream(url).redis(redisUrl, "mode: " + mode)
            .team(TEAM, "dailyBudgetUsd: \"6.85\"", "maxQueued: 1000").build()));
      }
      harness.simulator.configure(KeyFingerprint.of(TestConfig.upstreamKey(TEAM)),
          SimulatorKnobs.NONE.withMaxInFlight(1_000));
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) { // at most 3 × 200 = 600 connections
        replies.add(http.postJson(gateways.get(i % 3).port(), "/generate", TestConfig.clientKey(TEAM),
            Http.generate("burst " + i, "V_2_TURBO", 1)));
      }
      List<Reply> done = replies.stream().map(f -> await(f)).toList();

      Map<String, Long> byStatus = new TreeMap<>();
      done.forEach(r -> byStatus.merge(r.status() + (r.status() == 200 ? "" : " " + r.code()), 1L, Long::sum));
      System.out.printf("cold burst (%s): %s %s%n", mode, byStatus, done.stream()
          .filter(r -> r.status() != 200 && r.status() != 402).map(r -> r.json().getString("error")).distinct().toList());
      assertEquals(Map.of("200", 137L, "402 budget_exceeded", 1_863L), byStatus, "statuses of the burst (" + mode + ")");
      TeamUsage usage = await(gateways.get(0).ledger().usage(
          new TeamBudget(TEAM, BUDGET_MICRO_USD, OptionalLong.empty()), BudgetWindow.now(Clock.systemUTC(), ZoneOffset.UTC)));
      assertEquals(BUDGET_MICRO_USD, usage.spentDayMicroUsd(), "0 µUSD over, 0 under");
      assertEquals(0, usage.heldMicroUsd(), "nothing stays held");
    }
  }
}
