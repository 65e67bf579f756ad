package dev.ideogate.dashboard;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dashboard sessions of one replica: a random id (the cookie) → the key id that signed in, a CSRF token and two
 * deadlines: idle ({@code idle} after the last page) and absolute ({@code lifetime} after sign-in). Never the key
 * itself: each request re-checks the key id against the current config and revocations (see {@link Dashboard}), so
 * a revoked key's session ends at its next request. Bounded: past {@code max} sessions the oldest is dropped.
 * Pure Java on an injected clock.
 */
final class Sessions {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One signed-in browser. */
  record Session(String id, String keyId, String csrf, Instant signedIn, Instant lastSeen) {
    Session seen(Instant now) {
      return new Session(id, keyId, csrf, signedIn, now);
    }

    /** Whether {@code token} is this session's CSRF token (constant time). */
    boolean csrfMatches(String token) {
      return token != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
          token.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final Clock clock;
  private final Duration idle;
  private final Duration lifetime;
  private final int max;
  private final Map<String, Session> byId = new ConcurrentHashMap<>();

  Sessions(Clock clock, Duration idle, Duration lifetime, int max) {
    if (idle.isNegative() || idle.isZero() || lifetime.compareTo(idle) < 0 || max < 1) {
      throw new IllegalArgumentException("need 0 < idle ≤ lifetime and max ≥ 1");
    }
    this.clock = clock;
    this.idle = idle;
    this.lifetime = lifetime;
    this.max = max;
  }

  /** A new session for that key id, with fresh random id and CSRF token. */
  Session start(String keyId) {
    Instant now = clock.instant();
    byId.values().removeIf(s -> expired(s, now));
    while (byId.size() >= max) {
      byId.values().stream().min(Comparator.comparing(Session::lastSeen)).ifPresent(s -> byId.remove(s.id()));
    }
    Session session = new Session(token(), keyId, token(), now, now);
    byId.put(session.id(), session);
    return session;
  }

  /** The live session of that id, its idle deadline moved on; empty (and forgotten) when it has expired. */
  Optional<Session> touch(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Session session = byId.get(id);
    if (session == null) {
      return Optional.empty();
    }
    if (expired(session, now)) {
      byId.remove(id);
      return Optional.empty();
    }
    Session seen = session.seen(now);
    byId.put(id, seen);
    return Optional.of(seen);
  }

  void end(String id) {
    if (id != null) {
      byId.remove(id);
    }
  }

  int size() {
    return byId.size();
  }

  private boolean expired(Session session, Instant now) {
    return !now.isBefore(session.lastSeen().plus(idle)) || !now.isBefore(session.signedIn().plus(lifetime));
  }

  /** 32 random bytes, base64url without padding (43 characters). */
  private static String token() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
