package dev.ideogate.policy;

import dev.ideogate.redis.RedisConnector;
import dev.ideogate.redis.RedisSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HashSet;
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
  private Redis subscriberClient;
  private RedisConnection subscriber;
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
    return redis.call(api -> api.sadd(List.of(setKey, keyId)))
        .compose(added -> redis.call(api -> api.publish(channel, keyId)))
        .compose(published -> reload());
  }

  /** Reads the set and tells the listener when it changed. */
  private Future<Void> reload() {
    if (closed) {
      return Future.succeededFuture();
    }
    return redis.call(api -> api.smembers(setKey)).map(reply -> {
      Set<String> ids = new HashSet<>();
      for (Response member : reply) {
        ids.add(member.toString());
      }
      apply(Set.copyOf(ids));
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
    subscriberClient = Redis.createClient(vertx, RedisConnector.options(settings));
    subscriberClient.connect().onSuccess(conn -> {
      subscriber = conn;
      conn.handler(message -> reload());
      conn.exceptionHandler(e -> reconnect());
      conn.endHandler(v -> reconnect());
      conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel))
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
    RedisConnection old = subscriber;
    Redis oldClient = subscriberClient;
    subscriber = null;
    if (old != null) {
      old.close();
    }
    if (oldClient != null) {
      oldClient.close();
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
    if (subscriber != null) {
      subscriber.close();
    }
    return subscriberClient == null ? Future.succeededFuture() : subscriberClient.close();
  }
}
