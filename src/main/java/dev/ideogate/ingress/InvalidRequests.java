package dev.ideogate.ingress;

import dev.ideogate.api.RandomIds;
import dev.ideogate.api.ErrorCode;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * Requests Netty could not even decode (over-long request line, oversized headers, garbage): answered with the
 * ARCHITECTURE.md §6 body instead of Vert.x's bare default, then the connection is closed.
 */
final class InvalidRequests {
  private InvalidRequests() {}

  static void render(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    ErrorCode code = ErrorCode.INVALID_REQUEST;
    String message = "malformed HTTP request";
    if (cause != null && HttpVersionGuard.UNSUPPORTED.equals(cause.getMessage())) {
      message = "unsupported HTTP version: the gateway speaks HTTP/1.1";
    } else if (cause instanceof TooLongFrameException) {
      String text = String.valueOf(cause.getMessage());
      if (text.contains("header")) {
        code = ErrorCode.HEADERS_TOO_LARGE;
        message = "request headers too large";
      } else {
        code = ErrorCode.URI_TOO_LONG;
        message = "request URI too long";
      }
    }
    String requestId = RandomIds.uuid(); // the request could not be read, so no client id either
    JsonObject body = new JsonObject().put("error", message).put("code", code.code()).put("request_id", requestId);
    request.response()
        .setStatusCode(code.status())
        .putHeader(ResponseHeaders.REQUEST_ID, requestId)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(body.encode())
        .onComplete(v -> request.connection().close());
  }
}
