package dev.ideogate.ingress;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * Turns a request head of an HTTP version other than 1.0 and 1.1 (e.g. {@code GET / HTTP/9.9}, which Netty decodes)
 * into an undecodable request, so the server's invalid-request handler answers it with the table's 400 {@code
 * invalid_request} and a {@code request_id} ({@link InvalidRequests}) and closes the connection. Without it Vert.x
 * answers 501 itself before any handler runs, a status outside ARCHITECTURE.md §6. A Netty handler in front of
 * Vert.x's own, installed on each new connection: the one place that sees the head before Vert.x decides.
 */
@ChannelHandler.Sharable
final class HttpVersionGuard extends ChannelInboundHandlerAdapter {
  static final String UNSUPPORTED = "unsupported HTTP version";
  private static final HttpVersionGuard INSTANCE = new HttpVersionGuard();
  private static final String NAME = "ideogate-http-version";
  /** Vert.x's own handler of the HTTP/1.x pipeline, which the guard goes in front of. */
  private static final String VERTX_HANDLER = "handler";

  private HttpVersionGuard() {}

  /** Wraps a server's connection handler: installs the guard, then runs {@code next}. */
  static Handler<HttpConnection> installing(Handler<HttpConnection> next) {
    return connection -> {
      if (connection instanceof HttpServerConnection server) {
        var pipeline = server.channelHandlerContext().pipeline();
        if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(NAME) == null) {
          pipeline.addBefore(VERTX_HANDLER, NAME, INSTANCE);
        }
      }
      next.handle(connection);
    };
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()
        && !HttpVersion.HTTP_1_1.equals(request.protocolVersion())
        && !HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
      request.setProtocolVersion(HttpVersion.HTTP_1_1);
      request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(UNSUPPORTED)));
    }
    ctx.fireChannelRead(msg);
  }
}
