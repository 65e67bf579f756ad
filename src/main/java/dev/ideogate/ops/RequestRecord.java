package dev.ideogate.ops;

/**
 * What one client request did, gathered at its end for the metrics and the audit line. Pure data.
 *
 * @param team team id, null when no team was established (401, unknown path, admin key)
 * @param clientKeyId id of the client key (never the key), null before authentication
 * @param endpoint metric label of the route: an {@code Endpoint.label()}, {@code v1/usage} or {@code other}
 * @param action audit action, e.g. {@code images.generate}; {@code http.request} when no endpoint matched
 * @param model effective model, null when the body was never parsed
 * @param images images returned and billed; 0 when none
 * @param status HTTP status sent, 0 when the client went away before an answer
 * @param code "ok" for a success, the ARCHITECTURE.md §6 code of an error, {@value #CLIENT_CLOSED} when the client left
 * @param costMicroUsd what the request was charged; 0 when nothing was
 * @param upstreamStatus Ideogram's status, null when Ideogram was not asked
 * @param queueWaitMs time queued before dispatch, null when never queued
 * @param prompt the prompt, null when there was none (only its length and hash are audited by default)
 */
public record RequestRecord(
    String requestId,
    String team,
    String clientKeyId,
    String endpoint,
    String action,
    String model,
    int images,
    int status,
    String code,
    long costMicroUsd,
    Integer upstreamStatus,
    Long queueWaitMs,
    long durationNanos,
    String prompt) {

  public static final String OK = "ok";
  public static final String CLIENT_CLOSED = "client_closed";

  public RequestRecord {
    if (requestId == null || endpoint == null || action == null || code == null) {
      throw new IllegalArgumentException("requestId, endpoint, action and code are required");
    }
    if (images < 0 || costMicroUsd < 0 || durationNanos < 0) {
      throw new IllegalArgumentException("images, cost and duration must be ≥ 0");
    }
  }

  /** success, error, or cancelled (the client went away). */
  public String result() {
    return OK.equals(code) ? "success" : CLIENT_CLOSED.equals(code) ? "cancelled" : "error";
  }
}
