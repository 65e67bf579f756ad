package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the body into memory, bounded in size ({@code 413 payload_too_large}, decided from Content-Length before a
 * byte is read when possible) and in time ({@code 408 request_timeout} when a client dribbles its body). Runs after
 * authentication, so an anonymous client never makes the gateway buffer anything.
 */
public final class BodyReader implements Handler<RoutingContext> {
  public static final String KEY = "body";
  private final long maxBytes;
  private final long readTimeoutMs;

  public BodyReader(long maxBytes, long readTimeoutMs) {
    this.maxBytes = maxBytes;
    this.readTimeoutMs = readTimeoutMs;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String length = request.getHeader("Content-Length");
    if (length != null && declaredTooLarge(length)) {
      fail(ctx, tooLarge());
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] done = {false};
    long timer = ctx.vertx().setTimer(readTimeoutMs, id -> {
      if (!done[0]) {
        done[0] = true;
        fail(ctx, new GatewayException(ErrorCode.REQUEST_TIMEOUT,
            "the request body was not received within " + readTimeoutMs / 1000 + " s"));
      }
    });
    request.handler(chunk -> {
      if (done[0]) {
        return;
      }
      if (body.length() + (long) chunk.length() > maxBytes) {
        done[0] = true;
        ctx.vertx().cancelTimer(timer);
        fail(ctx, tooLarge());
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(e -> {
      if (!done[0]) {
        done[0] = true;
        ctx.vertx().cancelTimer(timer);
        fail(ctx, new GatewayException(ErrorCode.INVALID_REQUEST, "the request body could not be read"));
      }
    });
    request.endHandler(v -> {
      if (!done[0]) {
        done[0] = true;
        ctx.vertx().cancelTimer(timer);
        ctx.put(KEY, body);
        ctx.next();
      }
    });
    request.resume();
  }

  private boolean declaredTooLarge(String length) {
    try {
      return Long.parseLong(length.trim()) > maxBytes;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private GatewayException tooLarge() {
    return new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE,
        "request body larger than " + maxBytes + " bytes (server.maxBodyBytes)");
  }

  /** The rest of the body is not worth reading: answer and close the connection. */
  private static void fail(RoutingContext ctx, GatewayException error) {
    ctx.response().putHeader("Connection", "close");
    ctx.fail(error);
  }
}
