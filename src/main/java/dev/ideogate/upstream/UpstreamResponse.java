package dev.ideogate.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** What Ideogram answered: status, the headers the gateway passes on or reads, and the body untouched. */
public record UpstreamResponse(int status, String contentType, String retryAfter, Buffer body) {

  public static UpstreamResponse of(int status, MultiMap headers, Buffer body) {
    return new UpstreamResponse(
        status, headers.get("Content-Type"), headers.get("Retry-After"), body == null ? Buffer.buffer() : body);
  }

  public boolean ok() {
    return status >= 200 && status < 300;
  }
}
