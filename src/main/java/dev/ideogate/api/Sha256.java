package dev.ideogate.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Lowercase hex SHA-256: the one copy behind key hashes, key fingerprints, audit hashes and webhook signatures. */
public final class Sha256 {
  private Sha256() {}

  /** SHA-256 of the UTF-8 bytes of {@code text}, as 64 lowercase hex digits. */
  public static String hex(String text) {
    return hex(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(DIGEST.get().digest(bytes)); // digest() resets it for the next call
  }

  /** One digest per thread: looking one up in the security providers costs as much as hashing a prompt. */
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  });
}
