package dev.ideogate.async;

import static dev.ideogate.async.AsyncCluster.v4;
import static dev.ideogate.testing.Await.await;
import static dev.ideogate.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.ingress.CallbackHandler;
import dev.ideogate.sim.SimAsyncKnobs;
import dev.ideogate.sim.SimWebhookKeys;
import dev.ideogate.testing.RedisServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Callbacks that must change nothing (unsigned, forged, unknown key id, stale timestamp, replayed) against one
 * replica on real Redis, and a key rotation the gateway follows by refetching the JWKS.
 */
class AsyncCallbackSecurityTest {
  private static final AsyncSettings SLOW_RECONCILE = AsyncSettings.defaults().withReconcile(60_000, 1_000)
      .withDelivery(5, 100, 500, 2_000, 20, 3_000);

  private RedisServer redis;
  private AsyncCluster cluster;
  private WebhookReceiver receiver;

  @AfterEach
  void stop() {
    receiver.close();
    cluster.close();
    redis.close();
  }

  @Test
  void forgedUnknownKeyStaleAndReplayedCallbacksSettleNothingTwice() throws Exception {
    redis = RedisServer.start();
    cluster = new AsyncCluster(redis.url(), 1, SLOW_RECONCILE, "dev", "", 0.01);
    receiver = await(new WebhookReceiver(AsyncCluster.SECRETS).start(cluster.clientVertx));
    cluster.simulator.configureAsync(new SimAsyncKnobs(1.0, 0, 0, 0, 20L)); // Ideogram never calls back
    HttpResponse<Buffer> accepted = await(cluster.submit(0, "alpha", v4("a fox", 2, "TURBO"), receiver.url("alpha")));
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    String id = accepted.bodyAsJsonObject().getString("generation_id");
    Buffer result = completedBody(id);
    assertHeldNotSpent(60_000);

    SimWebhookKeys keys = cluster.simulator.webhookKeys();
    long now = System.currentTimeMillis() / 1000;
    assertEquals(401, callback(id, result, MultiMap.caseInsensitiveMultiMap()).statusCode(), "unsigned");
    assertEquals(401, callback(id, result, headers(id, now, keys.currentKeyId(), forge(id, now, result))).statusCode(),
        "forged with the real key id");
    assertEquals(401, callback(id, result, headers(id, now, "no-such-key", forge(id, now, result))).statusCode(),
        "unknown key id");
    long stale = now - 600;
    assertEquals(401, callback(id, result, headers(id, stale, keys.currentKeyId(), sign(keys, id, stale, result)))
        .statusCode(), "stale timestamp, genuinely signed");
    Buffer tampered = result.copy().appendString(" ");
    assertEquals(401, callback(id, tampered, headers(id, now, keys.currentKeyId(), sign(keys, id, now, result)))
        .statusCode(), "body changed after signing");
    assertHeldNotSpent(60_000);
    assertEquals(5, cluster.replicas.get(0).asyncRoutes().callbacks().refused.get());

    MultiMap valid = headers(id, now, keys.currentKeyId(), sign(keys, id, now, result));
    HttpResponse<Buffer> first = callback(id, result, valid);
    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertEquals(true, first.bodyAsJsonObject().getBoolean("settled"));
    HttpResponse<Buffer> replay = callback(id, result, valid);
    assertEquals(200, replay.statusCode());
    assertEquals(false, replay.bodyAsJsonObject().getBoolean("settled"), "a replay settles nothing");
    TeamUsage usage = cluster.usage(0, "alpha");
    assertEquals(60_000, usage.spentDayMicroUsd());
    assertEquals(0, usage.heldMicroUsd());
    until("the result is delivered", Duration.ofMillis(10_000), () -> receiver.distinct() == 1);
    Thread.sleep(300);
    assertEquals(1, receiver.arrivals.size(), "delivered once although called back twice");

    String rotated = keys.rotate();
    Thread.sleep(1_100); // the JWKS is refetched for an unknown key id at most once a second (forged ids above)
    cluster.simulator.configureAsync(new SimAsyncKnobs(0, 0, 0, 0, 20L));
    HttpResponse<Buffer> second = await(cluster.submit(0, "alpha", v4("a hare", 1, "TURBO"), receiver.url("alpha")));
    until("the callback signed by the rotated key " + rotated + " settles", Duration.ofMillis(10_000),
        () -> receiver.distinct() == 2);
    assertEquals(90_000, cluster.usage(0, "alpha").spentDayMicroUsd());
    assertEquals(200, second.statusCode());
  }

  private void assertHeldNotSpent(long held) {
    TeamUsage usage = cluster.usage(0, "alpha");
    assertEquals(held, usage.heldMicroUsd(), "held");
    assertEquals(0, usage.spentDayMicroUsd(), "spent");
  }

  /** The generation's final body, from the simulator (as Ideogram would send it). */
  private Buffer completedBody(String id) {
    Buffer[] body = new Buffer[1];
    until("the simulator completes " + id, Duration.ofMillis(10_000), () -> {
      HttpResponse<Buffer> poll = await(cluster.client.getAbs(cluster.simulator.baseUrl() + "/v1/generations/" + id)
          .putHeader("Api-Key", "sim-key-alpha").send());
      body[0] = poll.body();
      return "completed".equals(poll.bodyAsJsonObject().getString("status"));
    });
    return body[0];
  }

  private HttpResponse<Buffer> callback(String id, Buffer body, MultiMap headers) {
    return await(cluster.client.post(cluster.replicas.get(0).port(), "127.0.0.1", CallbackHandler.PATH)
        .putHeaders(headers).putHeader("Content-Type", "application/json").sendBuffer(body));
  }

  private static MultiMap headers(String id, long timestamp, String keyId, String signature) {
    return MultiMap.caseInsensitiveMultiMap()
        .add(IdeogramWebhookVerifier.GENERATION_ID, id)
        .add(IdeogramWebhookVerifier.USER_ID, "user-x")
        .add(IdeogramWebhookVerifier.TIMESTAMP, Long.toString(timestamp))
        .add(IdeogramWebhookVerifier.KEY_ID, keyId)
        .add(IdeogramWebhookVerifier.SIGNATURE, signature);
  }

  private static String sign(SimWebhookKeys keys, String id, long timestamp, Buffer body) {
    return keys.sign(SimWebhookKeys.message(id, "user-x", Long.toString(timestamp), body.getBytes()));
  }

  /** A well-formed Ed25519 signature by a key that is not Ideogram's. */
  private static String forge(String id, long timestamp, Buffer body) throws Exception {
    KeyPair attacker = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(attacker.getPrivate());
    signer.update(SimWebhookKeys.message(id, "user-x", Long.toString(timestamp), body.getBytes()));
    return Base64.getEncoder().encodeToString(signer.sign());
  }

}
