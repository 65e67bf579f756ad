package dev.ideogate.upstream;

import io.vertx.core.buffer.Buffer;

/**
 * One request to send to Ideogram: the endpoint, the client's body byte-for-byte with its content type, and the
 * team's upstream key (never the client's). {@code toString} never shows the key.
 */
public record UpstreamCall(Endpoint endpoint, String query, String contentType, Buffer body, String apiKey) {

  @Override
  public String toString() {
    return "UpstreamCall[" + endpoint.path() + ", " + body.length() + " bytes, key " + KeyFingerprint.of(apiKey) + "]";
  }
}
