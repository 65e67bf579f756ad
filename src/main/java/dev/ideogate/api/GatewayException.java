package dev.ideogate.api;

/**
 * An expected rejection: one {@link ErrorCode}, a message a user can act on, and an optional Retry-After.
 * Stack-trace free: it is a value travelling through failed futures, not a bug report.
 */
public final class GatewayException extends RuntimeException {
  private final ErrorCode error;
  private final Long retryAfterS;

  public GatewayException(ErrorCode error, String message) {
    this(error, message, null);
  }

  public GatewayException(ErrorCode error, String message, Long retryAfterS) {
    super(message, null, false, false);
    this.error = error;
    if (retryAfterS != null) {
      this.retryAfterS = Math.max(1L, retryAfterS);
    } else {
      this.retryAfterS = error.needsRetryAfter() ? Long.valueOf(1L) : null;
    }
  }

  public ErrorCode error() {
    return error;
  }

  /** Seconds the client should wait, or null when the status carries none. */
  public Long retryAfterS() {
    return retryAfterS;
  }
}
