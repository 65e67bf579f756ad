package dev.ideogate.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;

/**
 * The simulator's own routes under {@code /__sim}: stats per key fingerprint, the recent arrivals of a key, knobs
 * and reset. They take no API key: the simulator is a test fixture on loopback.
 */
final class SimulatorAdminRoutes {
  private static final Set<String> KNOB_FIELDS = Set.of("key", "latencyMs", "maxInFlight", "errorRate5xx",
      "slowResponseMs", "dropConnectionRate", "force429Count", "retryAfterS", "unsafeRate");

  private final SimAccounts accounts;

  SimulatorAdminRoutes(SimAccounts accounts) {
    this.accounts = accounts;
  }

  void mount(Router router) {
    router.get("/__sim/stats").handler(this::stats);
    router.get("/__sim/requests").handler(this::requests);
    router.post("/__sim/reset").handler(this::reset);
    router.post("/__sim/knobs").handler(this::knobs);
  }

  private void stats(RoutingContext ctx) {
    JsonObject all = new JsonObject();
    for (Map.Entry<String, SimulatorStats> entry : accounts.allStats().entrySet()) {
      all.put(entry.getKey(), JsonObject.mapFrom(entry.getValue()));
    }
    ImageCallHandler.sendJson(ctx.response(), 200, all, null);
  }

  private void requests(RoutingContext ctx) {
    String fingerprint = ctx.request().getParam("key");
    if (fingerprint == null) {
      ImageCallHandler.sendJson(ctx.response(), 400,
          new JsonObject().put("error", "key is required: the 12-hex fingerprint of an API key"), null);
      return;
    }
    JsonArray list = new JsonArray();
    accounts.recentRequests(fingerprint).forEach(recorded -> list.add(JsonObject.mapFrom(recorded)));
    ctx.response().putHeader("Content-Type", "application/json").end(list.toBuffer());
  }

  private void reset(RoutingContext ctx) {
    accounts.reset();
    ctx.response().setStatusCode(204).end();
  }

  private void knobs(RoutingContext ctx) {
    ctx.request().body().onComplete(result -> {
      try {
        JsonObject json = result.result().length() == 0 ? new JsonObject() : result.result().toJsonObject();
        SimulatorKnobs knobs = parse(json);
        String fingerprint = json.getString("key");
        if (fingerprint == null) {
          accounts.configure(knobs);
        } else {
          accounts.configure(fingerprint, knobs);
        }
        ImageCallHandler.sendJson(ctx.response(), 200, JsonObject.mapFrom(knobs), null);
      } catch (RuntimeException e) {
        ImageCallHandler.sendJson(ctx.response(), 400, new JsonObject().put("error", "invalid knobs: "
            + e.getMessage()), null);
      }
    });
  }

  /** Absent fields take their neutral value; an unknown field is an error, so a typo never passes silently. */
  static SimulatorKnobs parse(JsonObject json) {
    for (String field : json.fieldNames()) {
      if (!KNOB_FIELDS.contains(field)) {
        throw new IllegalArgumentException("unknown knob '" + field + "'; known: " + KNOB_FIELDS);
      }
    }
    return new SimulatorKnobs(
        json.getLong("latencyMs"),
        json.getInteger("maxInFlight"),
        json.getDouble("errorRate5xx", 0.0),
        json.getLong("slowResponseMs"),
        json.getDouble("dropConnectionRate", 0.0),
        json.getInteger("force429Count", 0),
        json.getInteger("retryAfterS"),
        json.getDouble("unsafeRate", 0.0));
  }
}
