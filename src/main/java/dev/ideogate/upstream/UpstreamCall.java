package dev.ideogate.upstream;

import io.vertx.core.buffer.Buffer;

/**
 * One request to send to Ideogram: the endpoint, the client's body byte-for-byte with its content type, the
 * team's upstream key (never the client's) and the request's {@link CallTrace}; or, with a {@code generationId},
 * the status poll {@code GET /v1/generations/{id}}, which goes through the team's lane like any call
 * (ARCHITECTURE.md §11), so a poll loop cannot draw 429s for every team sharing the upstream key. {@code toString}
 * never shows the key.
 *
 * @param generationId the generation to poll; null for an image call
 */
public record UpstreamCall(Endpoint endpoint, String query, String contentType, Buffer body, String apiKey,
    CallTrace trace, String generationId) {

  /** A call tied to no traced request. */
  public UpstreamCall(Endpoint endpoint, String query, String contentType, Buffer body, String apiKey) {
    this(endpoint, query, contentType, body, apiKey, CallTrace.NONE);
  }

  public UpstreamCall(Endpoint endpoint, String query, String contentType, Buffer body, String apiKey,
      CallTrace trace) {
    this(endpoint, query, contentType, body, apiKey, trace, null);
  }

  /** The status poll of {@code generationId} with the team's {@code apiKey}. */
  public static UpstreamCall poll(String generationId, String apiKey, CallTrace trace) {
    return new UpstreamCall(null, null, null, Buffer.buffer(), apiKey, trace, generationId);
  }

  /** The endpoint label of metrics and logs: the endpoint's own, or {@code generations} for a status poll. */
  public String label() {
    return isPoll() ? "generations" : endpoint.label();
  }

  public boolean isPoll() {
    return generationId != null;
  }

  @Override
  public String toString() {
    return "UpstreamCall[" + (isPoll() ? "poll" : endpoint.path()) + ", " + body.length() + " bytes, key "
        + KeyFingerprint.of(apiKey) + "]";
  }
}
