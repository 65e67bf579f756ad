package dev.ideogate.upstream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names an upstream key without revealing it: the first 12 hex digits of its SHA-256 (ARCHITECTURE.md §8). Lanes, Redis
 * keys, metric labels and the simulator's stats use this name; the key itself never appears.
 */
public final class KeyFingerprint {
  private KeyFingerprint() {}

  public static String of(String apiKey) {
    return sha256Hex(apiKey).substring(0, 12);
  }

  public static String sha256Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
