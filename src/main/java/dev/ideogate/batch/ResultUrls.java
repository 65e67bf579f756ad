package dev.ideogate.batch;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stable gateway URLs of stored images, signed per team and expiring (ARCHITECTURE.md §13):
 * {@code /v1/batches/files/<key>?expires=<epoch s>&sig=<hex>}, where sig = HMAC-SHA256(secret, team NUL key NUL
 * expires). The key starts with the team, so a signature of one team never opens another team's image. Pure.
 */
public final class ResultUrls {
  public static final String PATH = "/v1/batches/files/";
  private final byte[] secret;

  public ResultUrls(byte[] secret) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("the result URL secret must be at least 16 bytes");
    }
    this.secret = secret.clone();
  }

  /** The path and query of {@code key}, valid until {@code expiresAtS}. */
  public String path(String key, long expiresAtS) {
    return PATH + key + "?expires=" + expiresAtS + "&sig=" + sign(key, expiresAtS);
  }

  /** True when {@code sig} signs {@code key} until {@code expiresAtS} and that time has not passed. */
  public boolean valid(String key, long expiresAtS, String sig, long nowS) {
    if (sig == null || nowS >= expiresAtS) {
      return false;
    }
    return MessageDigest.isEqual(sign(key, expiresAtS).getBytes(StandardCharsets.US_ASCII),
        sig.getBytes(StandardCharsets.US_ASCII));
  }

  private String sign(String key, long expiresAtS) {
    String team = key.substring(0, Math.max(0, key.indexOf('/')));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(
          mac.doFinal((team + '\0' + key + '\0' + expiresAtS).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
