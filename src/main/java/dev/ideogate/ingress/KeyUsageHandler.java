package dev.ideogate.ingress;

import dev.ideogate.policy.KeyUsageStore;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Counts every finished request of an authenticated key (an answer ≥ 400 also as an error) for
 * {@code GET /admin/keys}. Installed before authentication, it records at the response's end, so rejections by scope,
 * rate limit or policy are counted too.
 */
public final class KeyUsageHandler implements Handler<RoutingContext> {
  private final KeyUsageStore store;

  public KeyUsageHandler(KeyUsageStore store) {
    this.store = store;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.addEndHandler(v -> {
      String keyId = RequestFacts.of(ctx).clientKeyId();
      if (keyId != null) {
        store.record(keyId, ctx.response().getStatusCode() >= 400);
      }
    });
    ctx.next();
  }
}
