package dev.ideogate.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between one replica and Redis, so a test can cut that replica off as a crash would: after
 * {@link #cut()} its connections are gone and new ones are refused, so nothing it still holds is ever released.
 */
public final class RedisLink {
  private final NetServer server;
  private final NetClient client;
  private final List<NetSocket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean cut;

  private RedisLink(NetServer server, NetClient client) {
    this.server = server;
    this.client = client;
  }

  public static RedisLink to(Vertx vertx, String redisUrl) {
    URI target = URI.create(redisUrl);
    NetClient client = vertx.createNetClient();
    NetServer server = vertx.createNetServer();
    RedisLink link = new RedisLink(server, client);
    server.connectHandler(inbound -> {
      if (link.cut) {
        inbound.close();
        return;
      }
      inbound.pause();
      link.sockets.add(inbound);
      client.connect(target.getPort(), target.getHost()).onComplete(ar -> {
        if (ar.failed() || link.cut) {
          inbound.close();
          return;
        }
        NetSocket outbound = ar.result();
        link.sockets.add(outbound);
        inbound.pipeTo(outbound);
        outbound.pipeTo(inbound);
        inbound.resume();
      });
    });
    Await.await(server.listen(0, "127.0.0.1"));
    return link;
  }

  public String url() {
    return "redis://127.0.0.1:" + server.actualPort();
  }

  /** Drops every connection and refuses new ones. */
  public void cut() {
    cut = true;
    sockets.forEach(NetSocket::close);
  }

  public Future<Void> close() {
    return server.close().eventually(client::close);
  }
}
