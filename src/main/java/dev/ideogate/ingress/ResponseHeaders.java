package dev.ideogate.ingress;

import io.vertx.core.http.HttpHeaders;

/**
 * The names of the headers the gateway adds to its answers (ARCHITECTURE.md §2), made once as pre-hashed ASCII
 * strings: a {@code String} name is validated and hashed again on every response. {@link #REQUEST_ID} is also the
 * header a client's own id is read from.
 */
final class ResponseHeaders {
  static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  static final CharSequence TEAM = HttpHeaders.createOptimized("X-Ideogate-Team");
  static final CharSequence COST_USD = HttpHeaders.createOptimized("X-Ideogate-Cost-Usd");
  static final CharSequence HELD_USD = HttpHeaders.createOptimized("X-Ideogate-Held-Usd");
  static final CharSequence BUDGET_REMAINING_USD = HttpHeaders.createOptimized("X-Ideogate-Budget-Remaining-Usd");
  static final CharSequence QUEUE_WAIT_MS = HttpHeaders.createOptimized("X-Ideogate-Queue-Wait-Ms");

  private ResponseHeaders() {}
}
