package dev.ideogate.ingress;

import dev.ideogate.budget.BudgetLedger;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The Kubernetes probes (vertx-health-check; 200 when every check is up, 503 when one is down, 500 when one failed
 * or timed out):
 * <ul>
 *   <li>{@code /health/live}: the management event loop answers (this handler runs on it), and the dispatcher's
 *       event loop and every event loop of the client port run a task within {@value #CHECK_TIMEOUT_MS} ms. A failing liveness probe restarts the pod, so
 *       it checks nothing outside the process.</li>
 *   <li>{@code /health/ready}: a config is loaded, the replica is not draining, and the budget store answers a
 *       ping within {@value #CHECK_TIMEOUT_MS} ms (Redis down or frozen: non-200 within a second, ARCHITECTURE.md §7).</li>
 * </ul>
 */
public final class Probes {
  static final long CHECK_TIMEOUT_MS = 700;

  private Probes() {}

  public static HealthCheckHandler liveness(Vertx vertx, Supplier<Future<Void>> dispatcherPing,
      Supplier<Future<Void>> clientLoopsPing) {
    return HealthCheckHandler.create(vertx)
        .register("event-loop", promise -> promise.complete(Status.OK()))
        .register("dispatcher", CHECK_TIMEOUT_MS, promise -> dispatcherPing.get()
            .onComplete(ar -> promise.tryComplete(ar.succeeded() ? Status.OK() : Status.KO())))
        .register("client-event-loops", CHECK_TIMEOUT_MS, promise -> clientLoopsPing.get()
            .onComplete(ar -> promise.tryComplete(ar.succeeded() ? Status.OK() : Status.KO())));
  }

  public static HealthCheckHandler readiness(Vertx vertx, Supplier<GatewaySettings> settings, BudgetLedger ledger,
      BooleanSupplier draining) {
    return HealthCheckHandler.create(vertx)
        .register("config", promise -> promise.complete(settings.get() != null ? Status.OK() : Status.KO()))
        .register("not-draining", promise -> promise.complete(draining.getAsBoolean()
            ? Status.KO(new JsonObject().put("reason", "draining: this replica is shutting down"))
            : Status.OK()))
        .register("budget-store", CHECK_TIMEOUT_MS, promise -> ledger.ping().onComplete(ar -> promise.tryComplete(
            ar.succeeded() ? Status.OK()
                : Status.KO(new JsonObject().put("reason", "budget store unreachable")))));
  }
}
