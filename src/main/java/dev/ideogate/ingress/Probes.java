package dev.ideogate.ingress;

import dev.ideogate.budget.BudgetLedger;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The Kubernetes probes (vertx-health-check; 200 when every check is up, 503 when one is down, 500 when one failed
 * or timed out), ARCHITECTURE.md §7:
 * <ul>
 *   <li>{@code /health/live}: the management event loop answers (this handler runs on it), and the dispatcher's
 *       event loop and every event loop of the client port run a task within {@value #CHECK_TIMEOUT_MS} ms. A failing liveness probe restarts the pod, so
 *       it checks nothing outside the process.</li>
 *   <li>{@code /health/ready}: whether this replica can serve: a config is loaded, it is not draining, and its
 *       event loops run (management: this handler; dispatcher: a task within {@value #CHECK_TIMEOUT_MS} ms). The
 *       budget store (Redis) is reported, never a reason to be unready, whatever {@code redis.failMode}: Redis is
 *       shared by every replica, so an outage would empty the Service at once and clients would get the ingress's
 *       bare 503 instead of the gateway's {@code budget_store_unavailable} JSON with Retry-After (fail-closed) or
 *       their images (fail-open). The ping waits at most {@value #STORE_PING_MS} ms, so the probe answers within a
 *       second with Redis down or frozen.</li>
 * </ul>
 */
public final class Probes {
  static final long CHECK_TIMEOUT_MS = 700;
  static final long STORE_PING_MS = 500;

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
      BooleanSupplier draining, Supplier<Future<Void>> dispatcherPing, Supplier<Future<Void>> clientLoopsPing) {
    return HealthCheckHandler.create(vertx)
        .register("config", promise -> promise.complete(settings.get() != null ? Status.OK()
            : Status.KO(new JsonObject().put("reason", "no valid config loaded"))))
        .register("not-draining", promise -> promise.complete(draining.getAsBoolean()
            ? Status.KO(new JsonObject().put("reason", "draining: this replica is shutting down"))
            : Status.OK()))
        // Its own, shorter timeout: a stalled loop is DOWN (503), not a failed procedure (500).
        .register("dispatcher", CHECK_TIMEOUT_MS, promise -> dispatcherPing.get()
            .timeout(STORE_PING_MS, TimeUnit.MILLISECONDS)
            .onComplete(ar -> promise.tryComplete(ar.succeeded() ? Status.OK()
                : Status.KO(new JsonObject().put("reason", "the dispatcher's event loop is stalled")))))
        .register("client-event-loops", CHECK_TIMEOUT_MS, promise -> clientLoopsPing.get()
            .timeout(STORE_PING_MS, TimeUnit.MILLISECONDS)
            .onComplete(ar -> promise.tryComplete(ar.succeeded() ? Status.OK()
                : Status.KO(new JsonObject().put("reason", "an event loop of the client port is stalled")))))
        .register("budget-store", CHECK_TIMEOUT_MS, promise -> ledger.ping()
            .timeout(STORE_PING_MS, TimeUnit.MILLISECONDS)
            .onComplete(ar -> promise.tryComplete(Status.OK(new JsonObject()
                .put("reachable", ar.succeeded())
                .put("failMode", settings.get() != null && settings.get().config().redis().failOpen()
                    ? "open" : "closed")))));
  }
}
