package dev.ideogate.sim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Image URLs shaped like Ideogram's ({@code /images/ephemeral/<id>.png?exp=<unix s>&sig=<hex>}, ideogram-api.md
 * §4.1, §8): the signature is an HMAC-SHA256 of {@code id.exp} under a secret of this simulator, so a URL cannot be
 * forged or extended, and it is valid until {@code exp}.
 */
final class SignedImageUrls {
  /** What a presented URL is worth. */
  enum Verdict { VALID, EXPIRED, BAD_SIGNATURE }

  static final String PATH_PREFIX = "/images/ephemeral/";

  private final byte[] secret;
  private final long ttlMs;

  SignedImageUrls(byte[] secret, Duration ttl) {
    this.secret = secret.clone();
    this.ttlMs = ttl.toMillis();
  }

  static SignedImageUrls withRandomSecret(Duration ttl) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new SignedImageUrls(secret, ttl);
  }

  /** The path and query of a new URL; exp is rounded up to a whole second, so it never undercuts the TTL. */
  String pathFor(String imageId, long nowMs) {
    long expS = Math.floorDiv(nowMs + ttlMs + 999, 1000);
    return PATH_PREFIX + imageId + ".png?exp=" + expS + "&sig=" + sign(imageId, expS);
  }

  /** A bad or missing signature is 403 even when also expired: it was never a valid URL. */
  Verdict check(String imageId, String expText, String sig, long nowMs) {
    long expS;
    try {
      expS = Long.parseLong(expText);
    } catch (NumberFormatException | NullPointerException e) {
      return Verdict.BAD_SIGNATURE;
    }
    if (sig == null || !MessageDigest.isEqual(sign(imageId, expS).getBytes(StandardCharsets.US_ASCII),
        sig.getBytes(StandardCharsets.US_ASCII))) {
      return Verdict.BAD_SIGNATURE;
    }
    return nowMs < expS * 1000 ? Verdict.VALID : Verdict.EXPIRED;
  }

  private String sign(String imageId, long expS) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal((imageId + "." + expS).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }
}
