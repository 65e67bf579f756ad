package dev.ideogate.policy;

import dev.ideogate.api.Sha256;
import dev.ideogate.redis.RedisConnector;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Dashboard sessions shared by every replica (ARCHITECTURE.md §7): one hash per session,
 * {@code <prefix>:{dash:s:<sha256 of the session id>}} with the key id, team, CSRF token, sign-in and last-seen
 * times (ms); its TTL is the idle time, renewed on every page. The key name holds a hash of the session id, never
 * the id itself, so whoever reads Redis's key list cannot sign in; the client key is never stored. The deadlines are
 * also checked on this gateway's clock, so the TTL only cleans up.
 */
public final class RedisSessionStore implements SessionStore {
  private static final List<String> FIELDS = List.of("key_id", "team", "csrf", "signed_in_ms", "last_seen_ms");

  private final RedisConnector redis;
  private final String keyPrefix;
  private final Clock clock;
  private final Duration idle;
  private final Duration lifetime;

  /** @param redis shared with the other Redis stores of this gateway; not closed here */
  public RedisSessionStore(RedisConnector redis, String keyPrefix, Clock clock, Duration idle, Duration lifetime) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.clock = clock;
    this.idle = idle;
    this.lifetime = lifetime;
  }

  /** The hash of session {@code id}. */
  String key(String id) {
    return keyPrefix + ":{dash:s:" + Sha256.hex(id) + "}";
  }

  @Override
  public Future<Session> start(String keyId, String team) {
    Session session = Session.fresh(keyId, team, clock.instant());
    String key = key(session.id());
    return redis.send("HSET", key, "key_id", keyId, "team", team == null ? "" : team, "csrf", session.csrf(),
            "signed_in_ms", Long.toString(session.signedIn().toEpochMilli()),
            "last_seen_ms", Long.toString(session.lastSeen().toEpochMilli()))
        .compose(set -> redis.send("PEXPIRE", key, Long.toString(idle.toMillis())))
        .map(session);
  }

  @Override
  public Future<Optional<Session>> touch(String id) {
    if (id == null || id.isEmpty() || id.length() > 100) {
      return Future.succeededFuture(Optional.empty());
    }
    String key = key(id);
    List<String> args = new ArrayList<>(FIELDS.size() + 1);
    args.add(key);
    args.addAll(FIELDS);
    return redis.send("HMGET", args).compose(reply -> {
      List<String> values = reply.asStrings();
      if (values.size() != FIELDS.size() || values.stream().anyMatch(v -> v == null)) {
        return Future.succeededFuture(Optional.empty());
      }
      Session stored = new Session(id, values.get(0), values.get(1).isEmpty() ? null : values.get(1),
          values.get(2), Instant.ofEpochMilli(Long.parseLong(values.get(3))),
          Instant.ofEpochMilli(Long.parseLong(values.get(4))));
      Instant now = clock.instant();
      if (stored.expired(now, idle, lifetime)) {
        return end(id).map(Optional.<Session>empty());
      }
      Session seen = stored.seen(now);
      return redis.send("HSET", key, "last_seen_ms", Long.toString(now.toEpochMilli()))
          .compose(set -> redis.send("PEXPIRE", key, Long.toString(idle.toMillis())))
          .map(Optional.of(seen));
    });
  }

  @Override
  public Future<Void> end(String id) {
    return id == null || id.isEmpty() ? Future.succeededFuture() : redis.send("DEL", key(id)).mapEmpty();
  }
}
