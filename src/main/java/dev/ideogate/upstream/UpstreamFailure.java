package dev.ideogate.upstream;

import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * No HTTP response came back from Ideogram. Whether the work may have been billed decides settle or release:
 * a refused connection never reached Ideogram; a timeout or a lost response may have (ARCHITECTURE.md §7).
 */
public final class UpstreamFailure extends RuntimeException {
  public enum Kind { REFUSED, TIMEOUT, LOST }

  private final Kind kind;

  public UpstreamFailure(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public static UpstreamFailure classify(Throwable cause) {
    if (cause instanceof UpstreamFailure failure) {
      return failure;
    }
    if (cause instanceof ConnectException) {
      return new UpstreamFailure(Kind.REFUSED, "Ideogram refused the connection");
    }
    if (cause instanceof TimeoutException
        || cause.getClass().getSimpleName().contains("Timeout")
        || String.valueOf(cause.getMessage()).toLowerCase().contains("timeout")) {
      return new UpstreamFailure(Kind.TIMEOUT, "Ideogram did not answer within the upstream timeout");
    }
    if (cause instanceof HttpClosedException) {
      return new UpstreamFailure(Kind.LOST, "the connection to Ideogram closed before the response");
    }
    return new UpstreamFailure(Kind.LOST, "the response from Ideogram was lost");
  }

  public Kind kind() {
    return kind;
  }

  /** False only when the request provably never reached Ideogram. */
  public boolean mayHaveBeenBilled() {
    return kind != Kind.REFUSED;
  }
}
