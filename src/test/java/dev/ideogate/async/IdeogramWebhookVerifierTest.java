package dev.ideogate.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.ideogate.sim.SimWebhookKeys;
import dev.ideogate.sim.SimWebhookKeysAccess;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verifier against keys published as the simulator publishes them (a JWKS of OKP/Ed25519 keys). */
class IdeogramWebhookVerifierTest {
  private static final byte[] BODY = "{\"generation_id\":\"gen_1\",\"status\":\"completed\"}"
      .getBytes(StandardCharsets.UTF_8);

  private final SimWebhookKeys signer = SimWebhookKeysAccess.create();
  private final Map<String, PublicKey> keys = JwksCache.parse(signer.jwks());

  private Map<String, String> headers(String kid, long t, String signature) {
    Map<String, String> h = new HashMap<>();
    h.put(IdeogramWebhookVerifier.GENERATION_ID, "gen_1");
    h.put(IdeogramWebhookVerifier.USER_ID, "user-1");
    h.put(IdeogramWebhookVerifier.TIMESTAMP, Long.toString(t));
    h.put(IdeogramWebhookVerifier.KEY_ID, kid);
    h.put(IdeogramWebhookVerifier.SIGNATURE, signature);
    return h;
  }

  private IdeogramWebhookVerifier.Verdict verify(Map<String, String> h, byte[] body, long now) {
    return IdeogramWebhookVerifier.verify(h::get, body, keys, now, 300);
  }

  @Test
  void acceptsASignatureOverIdUserTimestampAndBodyHash() {
    String sig = signer.sign(IdeogramWebhookVerifier.message("gen_1", "user-1", "1000", BODY));
    assertEquals(IdeogramWebhookVerifier.Verdict.VALID, verify(headers(signer.currentKeyId(), 1000, sig), BODY, 1200));
  }

  @Test
  void refusesStaleUnknownKeyForgedAndUnsigned() {
    String sig = signer.sign(IdeogramWebhookVerifier.message("gen_1", "user-1", "1000", BODY));
    assertEquals(IdeogramWebhookVerifier.Verdict.STALE, verify(headers(signer.currentKeyId(), 1000, sig), BODY, 1301));
    assertEquals(IdeogramWebhookVerifier.Verdict.UNKNOWN_KEY, verify(headers("other", 1000, sig), BODY, 1000));
    assertEquals(IdeogramWebhookVerifier.Verdict.FORGED,
        verify(headers(signer.currentKeyId(), 1000, sig), "{}".getBytes(StandardCharsets.UTF_8), 1000));
    Map<String, String> otherUser = headers(signer.currentKeyId(), 1000, sig);
    otherUser.put(IdeogramWebhookVerifier.USER_ID, "user-2");
    assertEquals(IdeogramWebhookVerifier.Verdict.FORGED, verify(otherUser, BODY, 1000));
    Map<String, String> unsigned = headers(signer.currentKeyId(), 1000, sig);
    unsigned.remove(IdeogramWebhookVerifier.SIGNATURE);
    assertEquals(IdeogramWebhookVerifier.Verdict.UNSIGNED, verify(unsigned, BODY, 1000));
    assertEquals(IdeogramWebhookVerifier.Verdict.FORGED,
        verify(headers(signer.currentKeyId(), 1000, "not base64!"), BODY, 1000));
  }

  @Test
  void readsOnlyOkpEd25519KeysFromTheJwks() {
    JsonObject jwks = signer.jwks().copy();
    jwks.getJsonArray("keys").add(new JsonObject().put("kty", "RSA").put("kid", "rsa").put("n", "x").put("e", "AQAB"));
    assertEquals(keys.keySet(), JwksCache.parse(jwks).keySet());
  }
}
