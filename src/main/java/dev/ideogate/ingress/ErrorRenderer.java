package dev.ideogate.ingress;

import dev.ideogate.api.RandomIds;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.dispatch.Cancelled;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that writes an error body (ARCHITECTURE.md §6):
 * {@code {"error": message, "code": code, "request_id": id, "retry_after_s": n?}}, with Retry-After on 429 and
 * 503. Anything that is not a {@link GatewayException} is a bug: logged (type only, never request data) and
 * answered as 502 upstream_error so that no status outside the table ever leaves.
 */
public final class ErrorRenderer implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorRenderer.class);

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.failure() instanceof Cancelled || ctx.response().closed()) {
      return; // the client left: nobody to answer, and nothing went wrong
    }
    GatewayException error = toGatewayException(ctx);
    render(ctx, error);
  }

  public static void render(RoutingContext ctx, GatewayException error) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      ctx.request().connection().close();
      return;
    }
    Object requestId = ctx.get(RequestIdHandler.KEY);
    if (requestId == null) {
      // refused before the request-id handler ran (e.g. a path without a leading '/'): every JSON error has one
      requestId = RandomIds.uuid();
      ctx.put(RequestIdHandler.KEY, requestId);
      response.putHeader(ResponseHeaders.REQUEST_ID, (String) requestId);
    }
    JsonObject body = new JsonObject().put("error", error.getMessage()).put("code", error.error().code())
        .put("request_id", requestId);
    if (error.retryAfterS() != null) {
      body.put("retry_after_s", error.retryAfterS());
      response.putHeader("Retry-After", Long.toString(error.retryAfterS()));
    }
    RequestFacts.of(ctx).failed(error.error().code());
    boolean close = "close".equalsIgnoreCase(response.headers().get("Connection"));
    response.setStatusCode(error.error().status())
        .putHeader("Content-Type", "application/json")
        .end(body.encode())
        .onComplete(v -> {
          if (close) {
            // the rest of this request (a body too large or too slow) is not worth reading
            ctx.request().connection().close();
          }
        });
  }

  private static GatewayException toGatewayException(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof GatewayException gatewayException) {
      return gatewayException;
    }
    int status = ctx.statusCode();
    ErrorCode code =
        switch (status) {
          case 400 -> ErrorCode.INVALID_REQUEST;
          case 401 -> ErrorCode.UNAUTHENTICATED;
          case 404 -> ErrorCode.NOT_FOUND;
          case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
          case 408 -> ErrorCode.REQUEST_TIMEOUT;
          case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
          case 414 -> ErrorCode.URI_TOO_LONG;
          case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
          case 431 -> ErrorCode.HEADERS_TOO_LARGE;
          default -> null;
        };
    if (code != null && failure == null) {
      return new GatewayException(code, defaultMessage(code));
    }
    LOG.error("unexpected failure on {}: {}", ctx.request().path(),
        failure == null ? "status " + status : failure.getClass().getName(),
        StructuredArguments.kv(RequestIdHandler.KEY, ctx.get(RequestIdHandler.KEY)));
    return new GatewayException(ErrorCode.UPSTREAM_ERROR, "the gateway could not complete this request");
  }

  static String defaultMessage(ErrorCode code) {
    return switch (code) {
      case NOT_FOUND -> "no such route: the gateway serves only the Ideogram API paths and its own /v1/usage";
      case METHOD_NOT_ALLOWED -> "method not allowed on this path";
      case PAYLOAD_TOO_LARGE -> "request body too large";
      case REQUEST_TIMEOUT -> "the request was not received in time";
      case URI_TOO_LONG -> "request URI too long";
      case HEADERS_TOO_LARGE -> "request headers too large";
      case UNAUTHENTICATED -> "missing or invalid API key";
      default -> code.code();
    };
  }
}
