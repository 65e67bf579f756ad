package dev.ideogate.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One pooled Vert.x Redis client. Every command goes through {@link #call}, which fails it after the command
 * timeout whatever Redis does (down, frozen, unreachable), so nothing waits longer. The pool opens connections per
 * command, so once Redis answers again the next command simply succeeds: there is no reconnect loop to manage.
 */
public final class RedisConnector {
  private static final int MAX_POOL_WAITING = 8192;

  private final Redis client;
  private final RedisAPI api;
  private final long commandTimeoutMs;
  private final long timerMs;

  public RedisConnector(Vertx vertx, RedisSettings settings) {
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
    Request request = Request.cmd(Command.create(command));
    args.forEach(request::arg);
    return call(api -> client.send(request)).map(Reply::of);
  }

  /** Runs one command of the typed API; fails after the command timeout. Package-private: {@link LuaScript}. */
  Future<Response> call(Function<RedisAPI, Future<Response>> command) {
    Future<Response> sent;
    try {
      sent = command.apply(api);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return sent.timeout(timerMs, TimeUnit.MILLISECONDS);
  }

  /** Succeeds when Redis answers PING within the command timeout (readiness). */
  public Future<Void> ping() {
    return call(redis -> redis.ping(List.of())).mapEmpty();
  }

  public long commandTimeoutMs() {
    return commandTimeoutMs;
  }

  public Future<Void> close() {
    return client.close();
  }
}
