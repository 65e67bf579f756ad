package dev.ideogate.ingress;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * What the composition root hands the management port besides the stores: the {@code /metrics} handler, the
 * dispatcher's and the client event loops' liveness pings, and the observer that audits admin actions.
 */
public record OpsRoutes(Handler<RoutingContext> metrics, Supplier<Future<Void>> dispatcherPing,
    Supplier<Future<Void>> clientLoopsPing, Handler<RoutingContext> adminAudit) {

  public OpsRoutes {
    if (metrics == null || dispatcherPing == null || clientLoopsPing == null || adminAudit == null) {
      throw new IllegalArgumentException("every ops route handler is required");
    }
  }
}
