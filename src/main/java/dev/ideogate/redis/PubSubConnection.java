package dev.ideogate.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Collection;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One dedicated SUBSCRIBE connection (a pub/sub connection cannot run other commands, so it is not taken from the
 * {@link RedisConnector} pool). The owner keeps its own reconnect policy: {@link #open} either fails or yields a
 * connection that reports its loss once through {@code onLost}.
 */
public final class PubSubConnection {
  private final Redis client;
  private final RedisConnection connection;

  private PubSubConnection(Redis client, RedisConnection connection) {
    this.client = client;
    this.connection = connection;
  }

  /**
   * Connects; {@code onMessage} receives (channel, payload) of every message, {@code onLost} the cause (null when
   * the server closed the connection).
   */
  public static Future<PubSubConnection> open(Vertx vertx, RedisSettings settings,
      BiConsumer<String, String> onMessage, Consumer<Throwable> onLost) {
    Redis client = Redis.createClient(vertx, new RedisOptions(RedisConnector.options(settings)).setMaxPoolSize(1));
    return client.connect().map(conn -> {
      conn.handler(push -> message(push, onMessage));
      conn.exceptionHandler(onLost::accept);
      conn.endHandler(v -> onLost.accept(null));
      return new PubSubConnection(client, conn);
    }).onFailure(err -> client.close());
  }

  public Future<Void> subscribe(Collection<String> channels) {
    Request subscribe = Request.cmd(Command.SUBSCRIBE);
    channels.forEach(subscribe::arg);
    return connection.send(subscribe).mapEmpty();
  }

  public Future<Void> close() {
    return connection.close().transform(ar -> client.close());
  }

  private static void message(Response push, BiConsumer<String, String> onMessage) {
    if (push != null && push.size() >= 3 && "message".equals(push.get(0).toString())) {
      onMessage.accept(push.get(1).toString(), push.get(2) == null ? null : push.get(2).toString());
    }
  }
}
