package dev.ideogate.upstream;

import io.vertx.core.buffer.Buffer;

/**
 * One request to send to Ideogram: the endpoint, the client's body byte-for-byte with its content type, the
 * team's upstream key (never the client's) and the request's {@link CallTrace}. {@code toString} never shows the key.
 */
public record UpstreamCall(Endpoint endpoint, String query, String contentType, Buffer body, String apiKey,
    CallTrace trace) {

  /** A call tied to no traced request. */
  public UpstreamCall(Endpoint endpoint, String query, String contentType, Buffer body, String apiKey) {
    this(endpoint, query, contentType, body, apiKey, CallTrace.NONE);
  }

  @Override
  public String toString() {
    return "UpstreamCall[" + endpoint.path() + ", " + body.length() + " bytes, key " + KeyFingerprint.of(apiKey) + "]";
  }
}
