package dev.ideogate.policy;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Dashboard sessions (docs/dashboard.md): a random id (the cookie) → the key id that signed in, its team, a CSRF
 * token and two deadlines: idle ({@code idle} after the last page) and absolute ({@code lifetime} after sign-in).
 * Never the key itself: each request re-checks the key id against the current config and revocations, so a revoked
 * key's session ends at its next request. {@link RedisSessionStore} shares them between replicas (ARCHITECTURE.md
 * §7), {@link InMemorySessionStore} keeps them in one replica when Redis is off.
 */
public interface SessionStore {
  /** A session ends after this long without a page (live refresh counts) and at most this long after sign-in. */
  Duration IDLE = Duration.ofMinutes(30);
  Duration LIFETIME = Duration.ofHours(8);

  /** One signed-in browser; {@code team} is null for an admin key. */
  record Session(String id, String keyId, String team, String csrf, Instant signedIn, Instant lastSeen) {
    Session seen(Instant now) {
      return new Session(id, keyId, team, csrf, signedIn, now);
    }

    /** Whether {@code token} is this session's CSRF token (constant time). */
    public boolean csrfMatches(String token) {
      return token != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
          token.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the idle or the absolute deadline has passed at {@code now}. */
    boolean expired(Instant now, Duration idle, Duration lifetime) {
      return !now.isBefore(lastSeen.plus(idle)) || !now.isBefore(signedIn.plus(lifetime));
    }

    /** A new session for that key, with fresh random id and CSRF token. */
    static Session fresh(String keyId, String team, Instant now) {
      return new Session(Tokens.random(), keyId, team, Tokens.random(), now, now);
    }
  }

  /** A new session for that key id. */
  Future<Session> start(String keyId, String team);

  /** The live session of that id, its idle deadline moved on; empty (and forgotten) when it has expired. */
  Future<Optional<Session>> touch(String id);

  Future<Void> end(String id);

  /** Session ids and CSRF tokens: 32 random bytes, base64url without padding (43 characters). */
  final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    static String random() {
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
  }
}
