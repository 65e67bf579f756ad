package dev.ideogate.ops;

import static dev.ideogate.testing.Await.await;
import static dev.ideogate.testing.SecurityFixture.ADMIN_KEY;
import static dev.ideogate.testing.SecurityFixture.ALPHA_KEY;
import static dev.ideogate.testing.SecurityFixture.BETA_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.SecurityFixture.Reply;
import dev.ideogate.testing.SecurityFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three replicas on one Redis: a revocation reaches all of them within 1 s; key usage is counted cluster-wide. */
class RevocationAcrossReplicasTest {
  private final SecurityFixture fixture = new SecurityFixture();
  private RedisServer redis;
  private String prefix;
  private List<Gateway> replicas;

  @BeforeEach
  void start() {
    redis = RedisServer.start();
    prefix = "rev" + System.nanoTime();
    String yaml = fixture.yaml("redis: { url: \"" + redis.url() + "\", keyPrefix: " + prefix + " }", "", "");
    replicas = List.of(fixture.start(SecurityFixture.parse(yaml)), fixture.start(SecurityFixture.parse(yaml)),
        fixture.start(SecurityFixture.parse(yaml)));
  }

  @AfterEach
  void close() {
    fixture.close();
    redis.close();
  }

  @Test
  void aRevokedKeyFailsOnEveryReplicaWithinOneSecond() throws Exception {
    for (Gateway g : replicas) {
      assertEquals(200, fixture.get(g.port(), "/v1/usage", ALPHA_KEY).status());
    }
    long start = System.nanoTime();
    Reply revoked = fixture.post(replicas.get(0).managementPort(), "/admin/keys/alpha-key/revoke", ADMIN_KEY);
    assertEquals(200, revoked.status(), revoked.toString());

    long[] refusedAfterMs = new long[3];
    for (int i = 0; i < 3; i++) {
      while (fixture.get(replicas.get(i).port(), "/v1/usage", ALPHA_KEY).status() != 401) {
        assertTrue(System.nanoTime() - start < 3_000_000_000L, "replica " + i + " still accepts the key after 3 s");
        Thread.sleep(10);
      }
      refusedAfterMs[i] = (System.nanoTime() - start) / 1_000_000;
    }
    for (int i = 0; i < 3; i++) {
      assertTrue(refusedAfterMs[i] < 1000, "replica " + i + " refused after " + refusedAfterMs[i] + " ms");
    }
    System.out.println("revocation effective on 3 replicas after (ms): " + java.util.Arrays.toString(refusedAfterMs));
    assertEquals(200, fixture.get(replicas.get(2).port(), "/v1/usage", BETA_KEY).status());
  }

  @Test
  void aRevocationWrittenWithoutAnAnnouncementIsPickedUpByThePeriodicReRead() throws Exception {
    Vertx vertx = Vertx.vertx();
    RedisConnector direct = new RedisConnector(vertx, RedisSettings.standalone(redis.url()));
    try {
      await(direct.send("SADD", List.of(prefix + ":revoked", "beta-key")));
      long start = System.nanoTime();
      for (Gateway g : replicas) {
        while (fixture.get(g.port(), "/v1/usage", BETA_KEY).status() != 401) {
          assertTrue(System.nanoTime() - start < 5_000_000_000L, "not picked up within 5 s");
          Thread.sleep(50);
        }
      }
    } finally {
      await(direct.close());
      await(vertx.close());
    }
  }

  @Test
  void keyUsageIsCountedAcrossReplicasUnderTheKeyIdOnly() {
    for (Gateway g : replicas) {
      fixture.get(g.port(), "/v1/usage", ALPHA_KEY);
    }
    // Usage is recorded after each response has gone out: wait (bounded) for the third count to land.
    long deadline = System.currentTimeMillis() + 5_000;
    JsonObject alpha;
    do {
      alpha = fixture.get(replicas.get(1).managementPort(), "/admin/keys", ADMIN_KEY).json()
          .getJsonArray("keys").stream().map(JsonObject.class::cast).filter(k -> k.getString("id").equals("alpha-key"))
          .findFirst().orElseThrow();
    } while (alpha.getLong("requests_24h") < 3 && System.currentTimeMillis() < deadline);
    assertEquals(3, alpha.getLong("requests_24h"));

    Vertx vertx = Vertx.vertx();
    RedisConnector direct = new RedisConnector(vertx, RedisSettings.standalone(redis.url()));
    try {
      var keys = await(direct.send("KEYS", prefix + ":*"));
      StringBuilder all = new StringBuilder();
      keys.asStrings().forEach(k -> all.append(k).append('\n'));
      assertTrue(all.toString().contains(prefix + ":{k:alpha-key}:last_used"), all.toString());
      assertTrue(!all.toString().contains("igk_") && !all.toString().contains(
          dev.ideogate.policy.ClientKeys.sha256(ALPHA_KEY)), "no key or hash in Redis key names: " + all);
    } finally {
      await(direct.close());
      await(vertx.close());
    }
  }
}
