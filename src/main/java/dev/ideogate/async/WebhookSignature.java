package dev.ideogate.async;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature on every webhook Ideogate sends (ARCHITECTURE.md §11): {@code Ideogate-Signature: t=<unix s>,v1=<hex
 * HMAC-SHA256(secret, t + "." + deliveryId + "." + body)>}. The delivery id ({@code Ideogate-Delivery-Id}, what
 * receivers de-duplicate on) is signed as Standard Webhooks signs {@code id.timestamp.body}, so a captured delivery
 * cannot be replayed under a fresh id inside the replay window; the event's type is in the signed body. Verifying
 * compares in constant time and refuses a timestamp outside the replay window.
 */
public final class WebhookSignature {
  public static final String HEADER = "Ideogate-Signature";
  public static final String DELIVERY_ID_HEADER = "Ideogate-Delivery-Id";

  private WebhookSignature() {}

  public static String header(String secret, long unixSeconds, String deliveryId, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac(secret, unixSeconds, deliveryId, body));
  }

  /**
   * Whether {@code header} signs {@code deliveryId} and {@code body} with {@code secret} at a time within
   * {@code toleranceS} of {@code nowS}. Any v1 entry may match (several are sent during a secret rotation).
   */
  public static boolean verify(String secret, String header, String deliveryId, byte[] body, long nowS,
      long toleranceS) {
    if (secret == null || secret.isEmpty() || header == null || deliveryId == null) {
      return false;
    }
    Long t = null;
    java.util.List<String> candidates = new java.util.ArrayList<>();
    for (String part : header.split(",")) {
      String item = part.trim();
      if (item.startsWith("t=")) {
        try {
          t = Long.parseLong(item.substring(2));
        } catch (NumberFormatException e) {
          return false;
        }
      } else if (item.startsWith("v1=")) {
        candidates.add(item.substring(3));
      }
    }
    if (t == null || candidates.isEmpty() || Math.abs(nowS - t) > toleranceS) {
      return false;
    }
    byte[] expected = HexFormat.of().formatHex(mac(secret, t, deliveryId, body)).getBytes(StandardCharsets.US_ASCII);
    boolean match = false;
    for (String candidate : candidates) {
      // constant time whatever the candidate; no early exit on the first match either
      match |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
    }
    return match;
  }

  private static byte[] mac(String secret, long unixSeconds, String deliveryId, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((unixSeconds + "." + deliveryId + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
