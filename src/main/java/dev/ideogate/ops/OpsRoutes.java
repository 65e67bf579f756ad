package dev.ideogate.ops;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * What the composition root hands the management port besides the stores: the {@code /metrics} handler, the
 * dispatcher's liveness ping, and the observer that audits admin actions.
 */
public record OpsRoutes(
    Handler<RoutingContext> metrics, Supplier<Future<Void>> dispatcherPing, Handler<RoutingContext> adminAudit) {

  /** No metrics route, a dispatcher that is always alive, no admin audit. */
  public static final OpsRoutes NONE = new OpsRoutes(
      ctx -> ctx.next(), Future::succeededFuture, ctx -> ctx.next());

  public OpsRoutes {
    if (metrics == null || dispatcherPing == null || adminAudit == null) {
      throw new IllegalArgumentException("every ops route handler is required (use OpsRoutes.NONE for none)");
    }
  }
}
