package dev.ideogate.policy;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard sessions of one replica, when Redis is off. Bounded: past {@code max} sessions the one idle longest
 * is dropped. Pure Java on an injected clock.
 */
public final class InMemorySessionStore implements SessionStore {
  /** Past this many sessions the one idle longest is dropped. */
  public static final int MAX_SESSIONS = 10_000;

  private final Clock clock;
  private final Duration idle;
  private final Duration lifetime;
  private final int max;
  private final Map<String, Session> byId = new ConcurrentHashMap<>();

  public InMemorySessionStore(Clock clock, Duration idle, Duration lifetime, int max) {
    if (idle.isNegative() || idle.isZero() || lifetime.compareTo(idle) < 0 || max < 1) {
      throw new IllegalArgumentException("need 0 < idle ≤ lifetime and max ≥ 1");
    }
    this.clock = clock;
    this.idle = idle;
    this.lifetime = lifetime;
    this.max = max;
  }

  @Override
  public Future<Session> start(String keyId, String team) {
    Instant now = clock.instant();
    byId.values().removeIf(s -> s.expired(now, idle, lifetime));
    while (byId.size() >= max) {
      byId.values().stream().min(Comparator.comparing(Session::lastSeen)).ifPresent(s -> byId.remove(s.id()));
    }
    Session session = Session.fresh(keyId, team, now);
    byId.put(session.id(), session);
    return Future.succeededFuture(session);
  }

  @Override
  public Future<Optional<Session>> touch(String id) {
    Session session = id == null ? null : byId.get(id);
    if (session == null) {
      return Future.succeededFuture(Optional.empty());
    }
    Instant now = clock.instant();
    if (session.expired(now, idle, lifetime)) {
      byId.remove(id);
      return Future.succeededFuture(Optional.empty());
    }
    Session seen = session.seen(now);
    byId.put(id, seen);
    return Future.succeededFuture(Optional.of(seen));
  }

  @Override
  public Future<Void> end(String id) {
    if (id != null) {
      byId.remove(id);
    }
    return Future.succeededFuture();
  }

  public int size() {
    return byId.size();
  }
}
