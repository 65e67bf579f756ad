package dev.ideogate.upstream;

import dev.ideogate.api.Sha256;

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
    return Sha256.hex(text);
  }
}
