package dev.ideogate.api;

/**
 * Every error the gateway can answer, exactly the table of ARCHITECTURE.md §6: one member, one status, one code.
 * Nothing else may reach a client; a 500 is a bug.
 */
public enum ErrorCode {
  INVALID_REQUEST(400, "invalid_request"),
  UNAUTHENTICATED(401, "unauthenticated"),
  BUDGET_EXCEEDED(402, "budget_exceeded"),
  UPSTREAM_INSUFFICIENT_CREDITS(402, "upstream_insufficient_credits"),
  SCOPE_DENIED(403, "scope_denied"),
  MODEL_NOT_ALLOWED(403, "model_not_allowed"),
  STYLE_NOT_ALLOWED(403, "style_not_allowed"),
  NOT_FOUND(404, "not_found"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  REQUEST_TIMEOUT(408, "request_timeout"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  URI_TOO_LONG(414, "uri_too_long"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  CONTENT_BLOCKED(422, "content_blocked"),
  UPSTREAM_SAFETY_REJECTED(422, "upstream_safety_rejected"),
  RATE_LIMITED(429, "rate_limited"),
  QUEUE_FULL(429, "queue_full"),
  QUEUE_TIMEOUT(429, "queue_timeout"),
  UPSTREAM_RATE_LIMITED(429, "upstream_rate_limited"),
  HEADERS_TOO_LARGE(431, "headers_too_large"),
  UPSTREAM_AUTH_FAILED(502, "upstream_auth_failed"),
  UPSTREAM_ERROR(502, "upstream_error"),
  BUDGET_STORE_UNAVAILABLE(503, "budget_store_unavailable"),
  SHUTTING_DOWN(503, "shutting_down"),
  UPSTREAM_TIMEOUT(504, "upstream_timeout");

  private final int status;
  private final String code;

  ErrorCode(int status, String code) {
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** 429 and 503 always carry Retry-After (ARCHITECTURE.md §6). */
  public boolean needsRetryAfter() {
    return status == 429 || status == 503;
  }
}
