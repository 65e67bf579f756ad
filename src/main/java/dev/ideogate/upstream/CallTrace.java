package dev.ideogate.upstream;

import java.util.Map;

/**
 * What ties one upstream call to the client's request (ARCHITECTURE.md §9), as plain Java: the dispatcher carries it
 * inside the {@link UpstreamCall} and {@link IdeogramClient} calls it once per attempt, so neither knows how
 * requests are traced. Called on the dispatcher's event loop; implementations must not block.
 */
public interface CallTrace {
  /** No tracing: no extra headers, nothing recorded. */
  CallTrace NONE = new CallTrace() {
    @Override
    public Map<String, String> sending() {
      return Map.of();
    }

    @Override
    public void answered(int status) {}

    @Override
    public void failed(Throwable cause) {}
  };

  /**
   * The attempt is being sent now: the headers it carries besides the call's own (W3C {@code traceparent} and
   * {@code tracestate} of the attempt, {@code X-Request-Id} of the client's request).
   */
  Map<String, String> sending();

  /** Ideogram answered the attempt with this HTTP status. */
  void answered(int status);

  /** The attempt got no HTTP answer (refused, reset, timeout). */
  void failed(Throwable cause);
}
