package dev.ideogate.policy;

import dev.ideogate.redis.PubSubConnection;
import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revoked key ids shared by every replica: the set {@code <prefix>:revoked} (SADD, never removed by the gateway;
 * {@code redis-cli SREM} undoes a revocation), announced on the channel {@code <prefix>:revoked:changed}. Each
 * replica holds one subscriber connection and re-reads the set on every message (so a replica is current within a
 * round trip of the revocation), on every (re)connect (so a message missed while disconnected is not lost), and
 * every {@value #RESYNC_MS} ms as a last fallback (cluster mode, a silently dead subscriber). When Redis cannot be
 * read the last known set stays in force: an outage never un-revokes a key.
 */
public final class RedisRevocationStore implements RevocationStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisRevocationStore.class);
  static final long RESYNC_MS = 2_000;
  private static final long RECONNECT_MIN_MS = 200;
  private static final long RECONNECT_MAX_MS = 5_000;

  private final Vertx vertx;
  private final RedisConnector redis;
  private final RedisSettings settings;
  private final String setKey;
  private final String channel;
  private Consumer<Set<String>> listener = ids -> {};
  private Set<String> current = Set.of();
  private PubSubConnection subscriber;
  private long resyncTimer = -1;
  private long reconnectDelayMs = RECONNECT_MIN_MS;
  private volatile boolean reconnecting;
  private volatile boolean closed;

  /** @param redis shared with the other Redis stores of this gateway; not closed here */
  public RedisRevocationStore(Vertx vertx, RedisConnector redis, RedisSettings settings) {
    this.vertx = vertx;
    this.redis = redis;
    this.settings = settings;
    this.setKey = settings.keyPrefix() + ":revoked";
    this.channel = settings.keyPrefix() + ":revoked:changed";
  }

  @Override
  public Future<Void> start(Consumer<Set<String>> onChange) {
    this.listener = onChange;
    resyncTimer = vertx.setPeriodic(RESYNC_MS, id -> reload());
    subscribe();
    return reload().recover(e -> Future.succeededFuture());
  }

  @Override
  public Future<Void> revoke(String keyId) {
    return redis.send("SADD", setKey, keyId)
        .compose(added -> redis.send("PUBLISH", channel, keyId))
        .compose(published -> reload());
  }

  /** Reads the set and tells the listener when it changed. */
  private Future<Void> reload() {
    if (closed) {
      return Future.succeededFuture();
    }
    return redis.send("SMEMBERS", setKey).map(reply -> {
      apply(Set.copyOf(reply.asStrings()));
      return (Void) null;
    }).onFailure(e -> LOG.debug("revoked key set not read: {}", e.getClass().getSimpleName()));
  }

  private synchronized void apply(Set<String> ids) {
    if (!ids.equals(current)) {
      current = ids;
      listener.accept(ids);
    }
  }

  private synchronized void subscribe() {
    if (closed) {
      return;
    }
    PubSubConnection.open(vertx, settings, (from, message) -> reload(), e -> reconnect()).onSuccess(conn -> {
      synchronized (this) {
        if (closed) {
          conn.close();
          return;
        }
        subscriber = conn;
      }
      conn.subscribe(List.of(channel))
          .onSuccess(ok -> {
            reconnectDelayMs = RECONNECT_MIN_MS;
            reload();
          })
          .onFailure(e -> reconnect());
    }).onFailure(e -> reconnect());
  }

  private synchronized void reconnect() {
    if (closed || reconnecting) {
      return;
    }
    reconnecting = true;
    PubSubConnection old = subscriber;
    subscriber = null;
    if (old != null) {
      old.close();
    }
    long delay = reconnectDelayMs;
    reconnectDelayMs = Math.min(RECONNECT_MAX_MS, reconnectDelayMs * 2);
    vertx.setTimer(delay, id -> {
      reconnecting = false;
      subscribe();
    });
  }

  @Override
  public synchronized Future<Void> close() {
    closed = true;
    if (resyncTimer >= 0) {
      vertx.cancelTimer(resyncTimer);
    }
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }
}
