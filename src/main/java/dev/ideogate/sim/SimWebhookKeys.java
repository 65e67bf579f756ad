package dev.ideogate.sim;

import dev.ideogate.api.Sha256;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The simulator's webhook signing keys (ideogram-api.md §4.3): Ed25519 pairs, the newest signs, all are published
 * as OKP JWKs so a rotation does not break callbacks in flight. Signature over
 * {@code genId\nuserId\ntimestamp\nhex(sha256(body))}, base64.
 */
public final class SimWebhookKeys {
  private record Entry(String kid, KeyPair pair) {}

  private final List<Entry> keys = new ArrayList<>();
  private int generated;

  SimWebhookKeys() {
    rotate();
  }

  /** Adds a new key that signs from now on; older keys stay published. Returns its key id. */
  public synchronized String rotate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      String kid = "sim-ed25519-" + (++generated);
      keys.add(new Entry(kid, pair));
      return kid;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519", e);
    }
  }

  public synchronized String currentKeyId() {
    return keys.get(keys.size() - 1).kid();
  }

  /** The signed message of §4.3. */
  public static byte[] message(String generationId, String userId, String timestamp, byte[] body) {
    String hash = Sha256.hex(body);
    return (generationId + "\n" + userId + "\n" + timestamp + "\n" + hash).getBytes(StandardCharsets.UTF_8);
  }

  /** Base64 Ed25519 signature of {@code message} by the current key. */
  public synchronized String sign(byte[] message) {
    try {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(keys.get(keys.size() - 1).pair().getPrivate());
      signer.update(message);
      return Base64.getEncoder().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code {keys: [{kty: OKP, crv: Ed25519, kid, x, use: sig, alg: EdDSA}]}}, x = base64url raw 32-byte key. */
  public synchronized JsonObject jwks() {
    JsonArray list = new JsonArray();
    for (Entry entry : keys) {
      byte[] encoded = entry.pair().getPublic().getEncoded();
      byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
      list.add(new JsonObject().put("kty", "OKP").put("crv", "Ed25519").put("kid", entry.kid())
          .put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(raw)).put("use", "sig").put("alg", "EdDSA"));
    }
    return new JsonObject().put("keys", list);
  }
}
