package dev.ideogate.dispatch;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.ideogate.redis.PubSubConnection;
import dev.ideogate.redis.RedisSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pub/sub side of {@link RedisPermitStore}: one dedicated connection, SUBSCRIBEd to the freed channel of every
 * lane this replica serves. A message runs the lane's wake-ups on the context each was registered from, except
 * {@link #WAITING}: a replica was refused a slot, which wakes nobody but tells the store that the lane is contended
 * (its releases then publish, ARCHITECTURE.md §8). When the connection drops it reconnects with a capped backoff,
 * subscribes again, wakes every lane and counts every lane as contended, since a release or an announcement may have
 * gone unheard meanwhile. Lanes also poll slowly, so a lost message costs latency, never a stuck queue.
 *
 * <p>It also wakes a lane when its earliest lease expires ({@link #wakeAfter}): nobody publishes the end of a lease
 * that a dead replica held, and the waiters should not have to wait for their next poll to reclaim it.
 */
final class FreedSubscriber {
  private static final Logger LOG = LoggerFactory.getLogger(FreedSubscriber.class);
  private static final long MIN_RETRY_MS = 100;
  private static final long MAX_RETRY_MS = 5_000;
  /** The payload of a refused acquire's announcement ({@code permit_acquire.lua}); any other payload frees a slot. */
  static final String WAITING = "waiting";

  private final Vertx vertx;
  private final RedisSettings settings;
  private final Consumer<String> contended;
  private final Consumer<String> listening;
  private final Map<String, List<Wake>> wakesByChannel = new ConcurrentHashMap<>();
  private final Map<String, ExpiryTimer> expiryTimers = new ConcurrentHashMap<>();
  // Connection state is touched only on the context of the first subscriber (home).
  private Context home;
  private PubSubConnection connection;
  private boolean connecting;
  private boolean closed;
  private long retryMs = MIN_RETRY_MS;

  private record Wake(Context context, Runnable action) {
    void run() {
      context.runOnContext(v -> action.run());
    }
  }

  // dueAtNs is System.nanoTime(): only compared with other wake-ups of this replica
  private record ExpiryTimer(long timerId, long dueAtNs) {}

  /**
   * @param contended told the channel of each {@link #WAITING} announcement heard (on the connection's context)
   * @param listening told a channel once this replica listens on it, first or after a reconnect: announcements made
   *     before that moment went unheard
   */
  FreedSubscriber(Vertx vertx, RedisSettings settings, Consumer<String> contended, Consumer<String> listening) {
    this.vertx = vertx;
    this.settings = settings;
    this.contended = contended;
    this.listening = listening;
  }

  /** Runs {@code wake} on the caller's context whenever a message arrives on {@code channel}. */
  void subscribe(String channel, Runnable wake) {
    Context caller = vertx.getOrCreateContext();
    boolean firstForChannel = wakesByChannel.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).isEmpty();
    wakesByChannel.get(channel).add(new Wake(caller, wake));
    synchronized (this) {
      if (home == null) {
        home = caller;
      }
    }
    home.runOnContext(v -> {
      if (connection != null && firstForChannel) {
        connection.subscribe(List.of(channel)).onSuccess(r -> listening.accept(channel)).onFailure(this::lost);
      } else if (connection == null) {
        connect();
      }
    });
  }

  /** Wakes the channel's lanes in {@code delayMs} unless a wake-up is already due sooner. */
  void wakeAfter(String channel, long delayMs) {
    long dueAtNs = System.nanoTime() + delayMs * 1_000_000L;
    expiryTimers.compute(channel, (c, current) -> {
      if (current != null && current.dueAtNs() - dueAtNs <= 0) {
        return current;
      }
      if (current != null) {
        vertx.cancelTimer(current.timerId());
      }
      long id = vertx.setTimer(Math.max(1, delayMs), t -> {
        expiryTimers.remove(c);
        wake(c);
      });
      return new ExpiryTimer(id, dueAtNs);
    });
  }

  Future<Void> close() {
    expiryTimers.values().forEach(timer -> vertx.cancelTimer(timer.timerId()));
    Context context;
    synchronized (this) {
      context = home;
    }
    if (context == null) {
      closed = true;
      return Future.succeededFuture();
    }
    return Future.<Void>future(p -> context.runOnContext(v -> {
      closed = true;
      PubSubConnection open = connection;
      connection = null;
      (open == null ? Future.<Void>succeededFuture() : open.close()).onComplete(ar -> p.complete());
    }));
  }

  private void connect() {
    if (connecting || closed) {
      return;
    }
    connecting = true;
    PubSubConnection.open(vertx, settings, this::heard, this::lost).onComplete(ar -> {
      connecting = false;
      if (ar.failed()) {
        retryLater(ar.cause());
        return;
      }
      PubSubConnection conn = ar.result();
      if (closed) {
        conn.close();
        return;
      }
      connection = conn;
      List<String> channels = new ArrayList<>(wakesByChannel.keySet());
      conn.subscribe(channels).onSuccess(r -> {
        retryMs = MIN_RETRY_MS;
        channels.forEach(listening); // announcements published before we listened
        channels.forEach(this::wake); // releases published while we were not listening
      }).onFailure(this::lost);
    });
  }

  private void heard(String channel, String payload) {
    if (WAITING.equals(payload)) {
      contended.accept(channel);
    } else {
      wake(channel);
    }
  }

  private void wake(String channel) {
    wakesByChannel.getOrDefault(channel, List.of()).forEach(Wake::run);
  }

  private void lost(Throwable cause) {
    if (closed || connection == null) {
      return;
    }
    PubSubConnection dropped = connection;
    connection = null;
    dropped.close();
    retryLater(cause);
  }

  private void retryLater(Throwable cause) {
    if (closed) {
      return;
    }
    LOG.warn("permit wake-up channel to Redis lost ({}); reconnecting in {} ms, lanes poll meanwhile",
        cause == null ? "connection closed" : cause.toString(), retryMs);
    vertx.setTimer(retryMs, id -> connect());
    retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
  }
}
