package dev.ideogate.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.RedisCluster;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exactness across replicas: three Vert.x instances, each with its own ledger and connection pool, reserve at once
 * against one Redis (or one Redis Cluster); the limit is never passed and never under-used.
 */
class RedisLedgerConcurrencyTest {
  private static final BudgetWindow NOV_26 = BudgetWindow.of(LocalDate.of(2026, 11, 26));
  private static final long UNIT = 40_000; // one V_2 image, 0.04 USD
  private static final long LEASE_MS = 600_000;

  private final List<Vertx> replicas = new ArrayList<>();
  private final List<BudgetLedger> ledgers = new ArrayList<>();

  @AfterEach
  void stopReplicas() {
    replicas.forEach(vertx -> Await.await(vertx.close()));
  }

  @Test
  void threeReplicasGrantExactly250Of900ConcurrentReservations() {
    try (RedisServer redis = RedisServer.start()) {
      startReplicas(RedisSettings.standalone(redis.url()));
      TeamBudget team = new TeamBudget("marketing", 250 * UNIT, OptionalLong.empty());

      Outcomes outcomes = reserveConcurrently(team, 900, random -> UNIT);

      assertEquals(250, outcomes.granted.size());
      assertEquals(650, outcomes.refused.size());
      TeamUsage usage = Await.await(ledgers.get(0).usage(team, NOV_26));
      assertEquals(250 * UNIT, usage.heldMicroUsd());
      assertEquals(0, usage.remainingMicroUsd());
    }
  }

  @Test
  void mixedAmountsSettleWithinTheLimitAndLeaveLessThanTheCheapestRefusal() {
    try (RedisServer redis = RedisServer.start()) {
      startReplicas(RedisSettings.standalone(redis.url()));
      long limit = 5_000_000;
      TeamBudget team = new TeamBudget("product", limit, OptionalLong.of(limit + 1));
      long[] amounts = {10_000, 30_000, 70_000, 130_000};

      Outcomes outcomes = reserveConcurrently(team, 600, random -> amounts[random.nextInt(amounts.length)]);
      List<Future<Settlement>> settled = new ArrayList<>();
      for (int i = 0; i < outcomes.granted.size(); i++) {
        Hold hold = outcomes.granted.get(i);
        settled.add(ledgers.get(i % 3).settle(hold, hold.amountMicroUsd(), 1));
      }
      Await.await(Future.all(settled));

      long grantedSum = outcomes.granted.stream().mapToLong(Hold::amountMicroUsd).sum();
      long cheapestRefused = outcomes.refused.stream().mapToLong(Long::longValue).min().orElseThrow();
      TeamUsage usage = Await.await(ledgers.get(1).usage(team, NOV_26));
      assertEquals(grantedSum, usage.spentDayMicroUsd());
      assertTrue(usage.spentDayMicroUsd() <= limit, "spent " + usage.spentDayMicroUsd() + " > limit " + limit);
      assertEquals(0, usage.heldMicroUsd());
      assertTrue(usage.remainingMicroUsd() < cheapestRefused,
          "remaining " + usage.remainingMicroUsd() + " would have admitted a refused " + cheapestRefused);
    }
  }

  @Test
  void aThreeMasterClusterGrantsEachTeamExactlyItsLimit() throws IOException {
    try (RedisCluster cluster = RedisCluster.start()) {
      startReplicas(RedisSettings.standalone(cluster.url()).withMode("cluster").withKeyPrefix("ideogate"));
      List<String> teams = teamsOnEveryMaster(cluster);

      for (String team : teams) {
        assertOneSlot(cluster, team);
      }
      for (String team : teams) {
        Outcomes outcomes =
            reserveConcurrently(new TeamBudget(team, 100 * UNIT, OptionalLong.empty()), 300, random -> UNIT);
        assertEquals(100, outcomes.granted.size(), team);
        assertEquals(200, outcomes.refused.size(), team);
      }
    }
  }

  private void startReplicas(RedisSettings settings) {
    RedisSettings shared = settings.withKeyPrefix(
        "ideogate".equals(settings.keyPrefix()) ? "test-" + UUID.randomUUID() : settings.keyPrefix());
    for (int i = 0; i < 3; i++) {
      Vertx vertx = Vertx.vertx();
      replicas.add(vertx);
      RedisBudgetLedger ledger = new RedisBudgetLedger(vertx, shared, LEASE_MS);
      ledgers.add(ledger);
      Await.await(ledger.ping()); // connections open before the burst, as in a running gateway
    }
  }

  private record Outcomes(List<Hold> granted, List<Long> refused) {}

  private interface Amounts {
    long next(Random random);
  }

  /** Fires every reservation on the replicas' event loops before any answer can arrive. */
  private Outcomes reserveConcurrently(TeamBudget team, int count, Amounts amounts) {
    Random random = new Random(42);
    List<Future<Hold>> calls = new ArrayList<>();
    Map<Future<Hold>, Long> asked = new HashMap<>();
    for (int i = 0; i < count; i++) {
      int replica = i % 3;
      long amount = amounts.next(random);
      Promise<Hold> answer = Promise.promise();
      replicas.get(replica).runOnContext(v -> ledgers.get(replica).reserve(team, NOV_26, amount).onComplete(answer));
      calls.add(answer.future());
      asked.put(answer.future(), amount);
    }
    Await.await(Future.join(calls).otherwiseEmpty());
    List<Hold> granted = new ArrayList<>();
    List<Long> refused = new ArrayList<>();
    for (Future<Hold> call : calls) {
      if (call.succeeded()) {
        granted.add(call.result());
      } else if (call.cause() instanceof GatewayException e && e.error() == ErrorCode.BUDGET_EXCEEDED) {
        refused.add(asked.get(call));
      } else {
        throw new AssertionError("a reservation failed for another reason", call.cause());
      }
    }
    return new Outcomes(granted, refused);
  }

  /** Teams whose hash tags land on three different masters (slot ranges of redis-cli's even split). */
  private static List<String> teamsOnEveryMaster(RedisCluster cluster) throws IOException {
    String[] byNode = new String[3];
    int port = cluster.ports().get(0);
    for (int i = 0; byNode[0] == null || byNode[1] == null || byNode[2] == null; i++) {
      String team = "team" + i;
      int slot = Integer.parseInt(cluster.command(port, "CLUSTER", "KEYSLOT", "{t:" + team + "}"));
      int node = slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
      byNode[node] = byNode[node] == null ? team : byNode[node];
    }
    return List.of(byNode);
  }

  private static void assertOneSlot(RedisCluster cluster, String team) throws IOException {
    BudgetKeys keys = new BudgetKeys("ideogate");
    int port = cluster.ports().get(0);
    List<String> all = List.of(keys.spentDay(team, "2026-11-26"), keys.spentMonth(team, "2026-11"),
        keys.imagesDay(team, "2026-11-26"), keys.imagesMonth(team, "2026-11"), keys.held(team), keys.holds(team),
        keys.holdsExpired(team));
    String slot = cluster.command(port, "CLUSTER", "KEYSLOT", all.get(0));
    for (String key : all) {
      assertEquals(slot, cluster.command(port, "CLUSTER", "KEYSLOT", key), key);
    }
  }
}
