package dev.ideogate.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One Vert.x Redis client. Every command goes through {@link #call}, which fails it after the command timeout
 * whatever Redis does (down, frozen, unreachable), so nothing waits longer.
 *
 * <p>Commands sent from an event loop are pipelined on one long-lived connection per event-loop thread (a handful
 * per replica: ARCHITECTURE.md §2), not one pooled connection per command: a burst of 2,000 requests is 2,000 commands
 * written at once on a few sockets, so the command timeout measures Redis' answer, not a wait for a free pooled
 * connection behind the gateway's own burst. A connection that errs, closes or stays silent for a whole command
 * timeout is dropped and the next command opens a fresh one, so once Redis answers again the next command simply succeeds. Commands
 * from other threads (start-up, tests) use the pool.
 */
public final class RedisConnector {
  private static final int MAX_POOL_WAITING = 8192;

  private final Vertx vertx;
  private final Redis client;
  private final RedisAPI api;
  private final Map<Thread, Future<Pipeline>> pipelines = new ConcurrentHashMap<>();

  /** A long-lived connection of one event-loop thread, its typed API, and when it last answered anything. */
  private static final class Pipeline {
    final RedisConnection connection;
    final RedisAPI api;
    volatile long lastAnswerNanos;

    Pipeline(RedisConnection connection) {
      this.connection = connection;
      this.api = RedisAPI.api(connection);
      this.lastAnswerNanos = System.nanoTime();
    }
  }
  private final long commandTimeoutMs;
  private final long timerMs;
  private final RedisClock clock = new RedisClock(this);

  public RedisConnector(Vertx vertx, RedisSettings settings) {
    this.vertx = vertx;
    this.commandTimeoutMs = settings.commandTimeoutMs();
    // The timer fires 5% early so that, with event-loop and scheduling jitter, the caller has its failure
    // within the command timeout, not just after it (ARCHITECTURE.md §7: 503 and not-ready within 1 s).
    this.timerMs = Math.max(1, commandTimeoutMs - commandTimeoutMs / 20);
    this.client = Redis.createClient(vertx, options(settings));
    this.api = RedisAPI.api(client);
  }

  /** The client options of {@code settings}; also for the dedicated {@link PubSubConnection}. */
  static RedisOptions options(RedisSettings settings) {
    RedisOptions options = new RedisOptions()
        .setType(RedisClientType.valueOf(settings.mode().toUpperCase(java.util.Locale.ROOT)))
        .setMaxPoolSize(settings.poolSize())
        // A burst (a batch generator's queue draining) must wait for a connection, not fail; the command
        // timeout still bounds how long it waits.
        .setMaxPoolWaiting(MAX_POOL_WAITING)
        .setMaxWaitingHandlers(MAX_POOL_WAITING)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) settings.commandTimeoutMs())
            .setTcpKeepAlive(true)
            .setTcpNoDelay(true));
    if ("sentinel".equals(settings.mode())) {
      options.setMasterName(settings.sentinelMaster());
    }
    for (String endpoint : settings.url().split(",")) {
      options.addConnectionString(endpoint.trim());
    }
    return options;
  }

  /**
   * Runs one command by name ({@code "GET"}, {@code "ZADD"}, ...) with its arguments; fails after the command
   * timeout. Keys are routed by the command's own key positions (cluster mode), as with the typed API.
   */
  public Future<Reply> send(String command, String... args) {
    return send(command, List.of(args));
  }

  public Future<Reply> send(String command, List<String> args) {
    Command cmd = Command.create(command);
    String[] argArray = args.toArray(new String[0]);
    return call(api -> api.send(cmd, argArray)).map(Reply::of);
  }

  /** Runs one command of the typed API; fails after the command timeout. Package-private: {@link LuaScript}. */
  Future<Response> call(Function<RedisAPI, Future<Response>> command) {
    Context context = Vertx.currentContext();
    if (context == null || !context.isEventLoopContext()) {
      return send(api, command).timeout(timerMs, TimeUnit.MILLISECONDS);
    }
    // One connection per event-loop thread (a replica has 2 × cores of them), whatever verticle sends. Only this
    // thread adds its entry, so get-then-put does not race (and no callback runs inside a map update).
    Thread loop = Thread.currentThread();
    Future<Pipeline> pipeline = pipelines.get(loop);
    if (pipeline == null) {
      pipeline = connect(loop);
    }
    Future<Pipeline> used = pipeline;
    // Opening the connection has its own bound (the same timeout); the command's timer starts once it is written.
    return used.compose(open -> {
      long sentNanos = System.nanoTime();
      return send(open.api, command)
          .timeout(timerMs, TimeUnit.MILLISECONDS)
          .onComplete(done -> {
            if (done.succeeded() || done.cause() instanceof Response) { // an error reply is an answer too
              open.lastAnswerNanos = System.nanoTime();
            } else if (open.lastAnswerNanos - sentNanos < 0) {
              // Nothing came back on this connection since the command was written: it is dead or cut off, not
              // merely busy (a busy Redis still answers the commands ahead of this one).
              drop(loop, used);
            }
          });
    });
  }

  private static Future<Response> send(RedisAPI api, Function<RedisAPI, Future<Response>> command) {
    try {
      return command.apply(api);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Pipeline> connect(Thread loop) {
    Future<Pipeline> opened = client.connect().timeout(timerMs, TimeUnit.MILLISECONDS).map(Pipeline::new);
    pipelines.put(loop, opened);
    opened.onComplete(ar -> {
      if (ar.failed()) {
        pipelines.remove(loop, opened);
        return;
      }
      ar.result().connection.exceptionHandler(err -> drop(loop, opened));
      ar.result().connection.endHandler(v -> drop(loop, opened));
    });
    return opened;
  }

  /**
   * Forgets a connection that failed, closed, or went silent. It is closed after one more command timeout, so
   * commands already written on it get their answer or their own timeout first.
   */
  private void drop(Thread loop, Future<Pipeline> pipeline) {
    if (pipelines.remove(loop, pipeline)) {
      pipeline.onSuccess(open -> vertx.setTimer(timerMs, id -> open.connection.close()));
    }
  }

  /** Succeeds when Redis answers PING within the command timeout (readiness). */
  public Future<Void> ping() {
    return call(redis -> redis.ping(List.of())).mapEmpty();
  }

  /** The Vert.x instance of this client, for stores that flush in the background (timers). */
  public Vertx vertx() {
    return vertx;
  }

  /** Redis' clock as this replica sees it: the "now" of lease-stamping scripts (ARCHITECTURE.md §2). */
  public RedisClock clock() {
    return clock;
  }

  public long commandTimeoutMs() {
    return commandTimeoutMs;
  }

  public Future<Void> close() {
    pipelines.values().forEach(pipeline -> pipeline.onSuccess(open -> open.connection.close()));
    pipelines.clear();
    return client.close();
  }
}
