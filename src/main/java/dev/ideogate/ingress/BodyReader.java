package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.policy.ClientKeys.Principal;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the body into memory, bounded in size ({@code 413 payload_too_large}, decided from Content-Length before a
 * byte is read when possible) and in time ({@code 408 request_timeout} when a client dribbles its body). Runs after
 * authentication, so an anonymous client never makes the gateway buffer anything. Every byte is claimed from the
 * replica's {@link BufferedBodies} first (the declared Content-Length at once, else chunk by chunk) and given back
 * when the request ends, however it ends: beyond the replica's cap 503 {@code shutting_down} (this replica cannot
 * hold it; another can), beyond the key's concurrent uploads 429 {@code rate_limited}, both with Retry-After.
 */
public final class BodyReader implements Handler<RoutingContext> {
  public static final String KEY = "body";
  private final long maxBytes;
  private final long readTimeoutMs;
  private final BufferedBodies held;

  public BodyReader(long maxBytes, long readTimeoutMs, BufferedBodies held) {
    this.maxBytes = maxBytes;
    this.readTimeoutMs = readTimeoutMs;
    this.held = held;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String length = request.getHeader("Content-Length");
    long declared = declaredLength(length);
    if (declared > maxBytes) {
      fail(ctx, tooLarge());
      return;
    }
    Principal principal = ctx.get(AuthHandler.KEY); // null on the callback route: no client key
    BufferedBodies.Claim claim = held.claim(principal == null ? null : principal.keyId());
    ctx.addEndHandler(ended -> claim.release());
    GatewayException refused = refusal(claim.growTo(declared));
    if (refused != null) {
      fail(ctx, refused);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] done = {false};
    long timer = ctx.vertx().setTimer(readTimeoutMs, id -> {
      if (!done[0]) {
        done[0] = true;
        claim.release();
        fail(ctx, new GatewayException(ErrorCode.REQUEST_TIMEOUT,
            "the request body was not received within " + readTimeoutMs / 1000 + " s"));
      }
    });
    request.handler(chunk -> {
      if (done[0]) {
        return;
      }
      long total = body.length() + (long) chunk.length();
      GatewayException error = total > maxBytes ? tooLarge() : refusal(claim.growTo(total));
      if (error != null) {
        done[0] = true;
        ctx.vertx().cancelTimer(timer);
        claim.release();
        fail(ctx, error);
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(e -> {
      if (!done[0]) {
        done[0] = true;
        ctx.vertx().cancelTimer(timer);
        claim.release();
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

  /** The declared body length, 0 when absent or unreadable (Netty refuses a malformed one before this runs). */
  private static long declaredLength(String length) {
    if (length == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(length.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private GatewayException refusal(BufferedBodies.Refusal refusal) {
    return switch (refusal) {
      case NONE -> null;
      case REPLICA_FULL -> new GatewayException(ErrorCode.SHUTTING_DOWN, "this gateway replica holds "
          + "server.maxBufferedBodyBytes (" + held.maxBytes() + " bytes) of request bodies; retry shortly, "
          + "another replica may serve you", 1L);
      case KEY_UPLOADS -> new GatewayException(ErrorCode.RATE_LIMITED, "this key already has "
          + held.maxUploadsPerKey() + " uploads in progress on this replica (server.maxConcurrentUploadsPerKey)", 1L);
    };
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
