package dev.ideogate.dashboard;

import static dev.ideogate.dashboard.DashboardHttp.page;
import static dev.ideogate.dashboard.DashboardHttp.postSignIn;
import static dev.ideogate.dashboard.DashboardHttp.signIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.policy.ClientKeys;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two replicas on one Redis behind one Service: a dashboard session started on one is good on the other, and ends on
 * both when its key is revoked (ARCHITECTURE.md §7, the session hashes); the overview lists the replicas whose
 * heartbeat is fresh.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardReplicasTest {
  private static final String ADMIN_KEY = "igk_dev_replicasAdminKey0123456789abcdefXYZ";
  private static final String PREFIX = "dashrep" + System.nanoTime();
  private static RedisServer redis;
  private static GatewayHarness harness;
  private static Gateway replicaA;
  private static Gateway replicaB;

  @BeforeAll
  static void start() {
    TestConfig.SECRETS.add(ADMIN_KEY);
    redis = RedisServer.start();
    harness = GatewayHarness.fastSimulator();
    GatewayConfig config = TestConfig.upstream(harness.simulator.baseUrl())
        .redis(redis.url(), "keyPrefix: " + PREFIX)
        .team("alpha")
        .team("gamma")
        .top("adminKeys:\n  - { id: ops-admin, sha256: " + ClientKeys.sha256(ADMIN_KEY) + " }")
        .build();
    replicaA = harness.start(config);
    replicaB = harness.start(config);
  }

  @AfterAll
  static void stop() {
    harness.close();
    redis.close();
  }

  @Test
  @Order(1)
  void aSessionStartedOnOneReplicaIsGoodOnTheOtherAndEndsOnBothWhenItsKeyIsRevoked() {
    String cookie = signIn(replicaA, TestConfig.clientKey("gamma"));
    assertEquals(200, page(replicaA, "/dashboard/teams/gamma", cookie).statusCode());
    assertEquals(200, page(replicaB, "/dashboard/teams/gamma", cookie).statusCode(),
        "the next request lands on another pod: still signed in");
    assertEquals(404, page(replicaB, "/dashboard/teams/alpha", cookie).statusCode(), "and still only its own team");

    RedisConnector link = new RedisConnector(harness.clientVertx, RedisSettings.standalone(redis.url()));
    try {
      List<String> keys = Await.await(link.send("KEYS", PREFIX + ":{dash:s:*")).asStrings();
      assertEquals(1, keys.size(), keys.toString());
      String sessionId = cookie.substring(cookie.indexOf('=') + 1);
      assertFalse(keys.get(0).contains(sessionId), "the key name holds a hash of the session id, not the id");
      assertEquals(List.of("gamma-key", "gamma"),
          Await.await(link.send("HMGET", keys.get(0), "key_id", "team")).asStrings());
      String stored = Await.await(link.send("HGETALL", keys.get(0))).toString();
      assertFalse(stored.contains(TestConfig.clientKey("gamma")), "never the client key");
      assertFalse(stored.contains(sessionId), "never the session id");
      long ttl = Await.await(link.send("PTTL", keys.get(0))).asLong();
      assertTrue(ttl > 0 && ttl <= Duration.ofMinutes(30).toMillis(), "expires after the idle time: " + ttl);
    } finally {
      Await.await(link.close());
    }

    Http.Reply revoked = Await.await(harness.http.send(HttpMethod.POST, replicaA.managementPort(),
        "/admin/keys/gamma-key/revoke", Map.of("Authorization", "Bearer " + ADMIN_KEY), Buffer.buffer()));
    assertEquals(200, revoked.status(), revoked.toString());
    for (Gateway replica : List.of(replicaB, replicaA)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (page(replica, "/dashboard/teams/gamma", cookie).statusCode() != 303) {
        assertTrue(System.nanoTime() < deadline, "the revoked key's session still works on a replica after 3 s");
      }
      assertEquals("/dashboard/login",
          page(replica, "/dashboard/teams/gamma", cookie).headers().firstValue("Location").orElse(""));
    }
  }

  @Test
  @Order(2)
  void theOverviewListsTheLiveReplicasAndDropsOneThatDied() throws InterruptedException {
    String admin = signIn(replicaB, ADMIN_KEY);
    HttpResponse<String> overview = page(replicaA, "/dashboard/overview", admin);
    assertEquals(200, overview.statusCode());
    assertEquals(2, replicaRows(overview.body()), "both replicas write heartbeats");

    harness.kill(replicaB);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (replicaRows(page(replicaA, "/dashboard/overview", admin).body()) != 1) {
      assertTrue(System.nanoTime() < deadline, "a killed replica is still listed after 15 s");
      Thread.sleep(100);
    }
  }

  @Test
  @Order(3)
  void signInAttemptsFromOneAddressAreLimitedAcrossReplicas() {
    // Earlier tests signed in twice from 127.0.0.1 (one per replica, sharing the bucket); GCRA has refilled one
    // attempt per 6 s since, so the refusal comes at the 9th or 10th attempt here, never after the 10th.
    int refusedAt = -1;
    for (int attempt = 1; attempt <= Dashboard.SIGN_IN_RATE.burst() && refusedAt < 0; attempt++) {
      HttpResponse<String> reply = postSignIn(replicaA, "igk_dev_notAKeyAtAll" + attempt);
      if (reply.statusCode() == 429) {
        refusedAt = attempt;
        assertTrue(reply.body().contains("Too many sign-in attempts"), reply.body());
        assertTrue(Long.parseLong(reply.headers().firstValue("Retry-After").orElse("0")) >= 1);
      } else {
        assertEquals(401, reply.statusCode(), "a wrong key before the limit is simply not accepted");
      }
    }
    assertTrue(refusedAt > 0, "more than 10 attempts in a minute were all answered");
    assertTrue(refusedAt > 1, "the first attempts are answered 401: " + refusedAt);
    assertEquals(429, postSignIn(replicaA, ADMIN_KEY).statusCode(), "even the right key waits: no guessing race");
  }

  private static int replicaRows(String html) {
    return html.split("<tr class=\"replica\">", -1).length - 1;
  }
}
