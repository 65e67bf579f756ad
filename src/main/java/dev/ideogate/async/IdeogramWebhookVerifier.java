package dev.ideogate.async;

import dev.ideogate.api.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;

/**
 * Checks one callback from Ideogram (ideogram-api.md §4.3): Ed25519 signature, base64, over
 * {@code generationId\nuserId\ntimestamp\nhex(sha256(body))}, by the key named in {@code X-Ideogram-Webhook-Key-Id},
 * with a timestamp (unix seconds) within the replay window. Pure: the caller supplies the keys and the time.
 */
public final class IdeogramWebhookVerifier {
  public static final String GENERATION_ID = "X-Ideogram-Webhook-Generation-Id";
  public static final String USER_ID = "X-Ideogram-Webhook-User-Id";
  public static final String TIMESTAMP = "X-Ideogram-Webhook-Timestamp";
  public static final String KEY_ID = "X-Ideogram-Webhook-Key-Id";
  public static final String SIGNATURE = "X-Ideogram-Webhook-Signature";

  /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), followed by the raw 32 bytes. */
  private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  public enum Verdict { VALID, UNSIGNED, UNKNOWN_KEY, STALE, FORGED }

  private IdeogramWebhookVerifier() {}

  /**
   * @param headers header lookup (case-insensitive, as HTTP headers are)
   * @param keys the JWKS keys by key id
   */
  public static Verdict verify(Function<String, String> headers, byte[] body, Map<String, PublicKey> keys,
      long nowS, long replayWindowS) {
    String generationId = headers.apply(GENERATION_ID);
    String userId = headers.apply(USER_ID);
    String timestamp = headers.apply(TIMESTAMP);
    String keyId = headers.apply(KEY_ID);
    String signature = headers.apply(SIGNATURE);
    if (generationId == null || userId == null || timestamp == null || keyId == null || signature == null) {
      return Verdict.UNSIGNED;
    }
    long t;
    try {
      t = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return Verdict.FORGED;
    }
    if (Math.abs(nowS - t) > replayWindowS) {
      return Verdict.STALE;
    }
    PublicKey key = keys.get(keyId);
    if (key == null) {
      return Verdict.UNKNOWN_KEY;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(message(generationId, userId, timestamp, body));
      return verifier.verify(Base64.getDecoder().decode(signature.trim())) ? Verdict.VALID : Verdict.FORGED;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Verdict.FORGED;
    }
  }

  public static byte[] message(String generationId, String userId, String timestamp, byte[] body) {
    String hash = Sha256.hex(body);
    return (generationId + "\n" + userId + "\n" + timestamp + "\n" + hash).getBytes(StandardCharsets.UTF_8);
  }

  /** The public key of an OKP/Ed25519 JWK's {@code x} (base64url of the raw 32 bytes). */
  public static PublicKey ed25519(String x) throws GeneralSecurityException {
    byte[] raw = Base64.getUrlDecoder().decode(x);
    if (raw.length != 32) {
      throw new GeneralSecurityException("an Ed25519 public key has 32 bytes, got " + raw.length);
    }
    byte[] encoded = new byte[ED25519_X509_PREFIX.length + 32];
    System.arraycopy(ED25519_X509_PREFIX, 0, encoded, 0, ED25519_X509_PREFIX.length);
    System.arraycopy(raw, 0, encoded, ED25519_X509_PREFIX.length, 32);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
  }
}
