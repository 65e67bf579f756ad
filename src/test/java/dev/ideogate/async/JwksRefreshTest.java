package dev.ideogate.async;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.upstream.GenerationClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The JWKS is refetched once it is older than its maximum age, known key id or not: before, a key was refetched only
 * on an unknown key id, so a key Ideogram withdrew (leaked, rotated out) stayed trusted forever.
 */
class JwksRefreshTest {

  @Test
  void aWithdrawnKeyStopsVerifyingOnceTheKeySetIsRefreshed() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject withKey = new JsonObject().put("keys", new JsonArray().add(jwk("k1")));
      AtomicReference<JsonObject> served = new AtomicReference<>(withKey);
      HttpServer ideogram = await(vertx.createHttpServer()
          .requestHandler(request -> request.response().putHeader("Content-Type", "application/json")
              .end(served.get().encode()))
          .listen(0, "127.0.0.1"));
      GenerationClient upstream = new GenerationClient(vertx, "http://127.0.0.1:" + ideogram.actualPort(), 5_000);
      JwksCache cache = new JwksCache(upstream, 10, 200);

      assertTrue(await(cache.keysFor("k1")).containsKey("k1"));
      served.set(new JsonObject().put("keys", new JsonArray())); // Ideogram withdraws k1

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      Map<String, PublicKey> keys = await(cache.keysFor("k1"));
      while (keys.containsKey("k1") && System.nanoTime() < deadline) {
        await(vertx.timer(50));
        keys = await(cache.keysFor("k1"));
      }
      assertFalse(keys.containsKey("k1"), "a withdrawn key is still trusted");
    } finally {
      await(vertx.close());
    }
  }

  private static JsonObject jwk(String kid) throws Exception {
    byte[] x509 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
    byte[] raw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    return new JsonObject().put("kty", "OKP").put("crv", "Ed25519").put("kid", kid)
        .put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
