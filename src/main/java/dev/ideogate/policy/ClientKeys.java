package dev.ideogate.policy;

import dev.ideogate.api.Sha256;
import dev.ideogate.config.ClientKeyConfig;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling: gateway client keys ({@code igk_<environment>_} + 32 random bytes in base62) looked up by their
 * SHA-256, which is all the config holds. A key is accepted only if its environment prefix is the gateway's, it
 * has not expired by the injected clock, and its id is not revoked. Immutable: a config reload or a revocation
 * builds a new instance.
 */
public final class ClientKeys {
  public static final String ADMIN_SCOPE = "admin";
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int RANDOM_BYTES = 32;
  /** 62^43 > 2^256, so 43 digits hold any 32 bytes; fixed width keeps every key the same length. */
  private static final int RANDOM_DIGITS = 43;
  /** Longer than any key we issue; bounds the hashing work an unauthenticated caller can ask for. */
  private static final int MAX_KEY_LENGTH = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The caller. {@code team} is null for admin keys. */
  public record Principal(String keyId, String team, Set<String> scopes) {
    public Principal {
      scopes = Set.copyOf(scopes);
    }

    public boolean has(String scope) {
      return scopes.contains(scope);
    }

    public boolean isAdmin() {
      return team == null;
    }
  }

  private record Entry(Principal principal, Instant expiresAt) {}

  private final String prefix;
  private final Clock clock;
  private final Map<String, Entry> bySha256;
  private final Set<String> revokedIds;

  public ClientKeys(GatewayConfig config, Clock clock) {
    this("igk_" + config.environment() + "_", clock, index(config), Set.of());
  }

  private ClientKeys(String prefix, Clock clock, Map<String, Entry> bySha256, Set<String> revokedIds) {
    this.prefix = prefix;
    this.clock = clock;
    this.bySha256 = bySha256;
    this.revokedIds = revokedIds;
  }

  /** The same keys with these ids refused (in addition to none: the set replaces the previous one). */
  public ClientKeys withRevoked(Set<String> keyIds) {
    return new ClientKeys(prefix, clock, bySha256, Set.copyOf(keyIds));
  }

  public Set<String> revoked() {
    return revokedIds;
  }

  /** Empty for a missing, malformed, unknown, wrong-environment, expired or revoked key: callers never say which. */
  public Optional<Principal> authenticate(String presentedKey) {
    if (presentedKey == null || presentedKey.length() > MAX_KEY_LENGTH || !presentedKey.startsWith(prefix)) {
      return Optional.empty();
    }
    Entry entry = bySha256.get(sha256(presentedKey));
    if (entry == null || revokedIds.contains(entry.principal().keyId())) {
      return Optional.empty();
    }
    if (entry.expiresAt() != null && !clock.instant().isBefore(entry.expiresAt())) {
      return Optional.empty();
    }
    return Optional.of(entry.principal());
  }

  /**
   * The key a request presents: {@code Api-Key: igk_…} (what Ideogram clients already send), else
   * {@code Authorization: Bearer igk_…}. Either header may be null.
   */
  public static Optional<String> presentedKey(String apiKeyHeader, String authorizationHeader) {
    if (apiKeyHeader != null && !apiKeyHeader.isBlank()) {
      return Optional.of(apiKeyHeader.trim());
    }
    if (authorizationHeader != null) {
      String value = authorizationHeader.trim();
      if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String token = value.substring(7).trim();
        if (!token.isEmpty()) {
          return Optional.of(token);
        }
      }
    }
    return Optional.empty();
  }

  /** A fresh key for that environment: {@code igk_<environment>_} + 43 base62 digits of 32 random bytes. */
  public static String newKey(String environment) {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    StringBuilder digits = new StringBuilder();
    BigInteger value = new BigInteger(1, bytes);
    BigInteger base = BigInteger.valueOf(BASE62.length());
    while (value.signum() > 0) {
      BigInteger[] quotientAndRemainder = value.divideAndRemainder(base);
      digits.append(BASE62.charAt(quotientAndRemainder[1].intValue()));
      value = quotientAndRemainder[0];
    }
    while (digits.length() < RANDOM_DIGITS) {
      digits.append('0');
    }
    return "igk_" + environment + "_" + digits.reverse();
  }

  /** Lowercase hex SHA-256 of the key's UTF-8 bytes: what the config stores. */
  public static String sha256(String key) {
    return Sha256.hex(key);
  }

  private static Map<String, Entry> index(GatewayConfig config) {
    Map<String, Entry> bySha256 = new HashMap<>();
    for (TeamConfig team : config.teams().values()) {
      for (ClientKeyConfig key : team.clientKeys()) {
        bySha256.put(key.sha256(), new Entry(new Principal(key.id(), team.id(), key.scopes()), key.expiresAt()));
      }
    }
    for (GatewayConfig.AdminKey key : config.adminKeys()) {
      bySha256.put(key.sha256(), new Entry(new Principal(key.id(), null, Set.of(ADMIN_SCOPE)), key.expiresAt()));
    }
    return Map.copyOf(bySha256);
  }
}
