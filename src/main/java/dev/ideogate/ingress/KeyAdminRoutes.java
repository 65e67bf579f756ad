package dev.ideogate.ingress;

import static net.logstash.logback.argument.StructuredArguments.kv;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.policy.ClientKeys.Principal;
import dev.ideogate.policy.KeyReport;
import dev.ideogate.policy.KeyUsageStore;
import dev.ideogate.policy.RevocationStore;
import dev.ideogate.upstream.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key lifecycle routes of the management port, scope {@code admin}: {@code GET /admin/keys} (every key's age,
 * last use, 24 h counts, state and {@code rotation_due}; never a hash) and {@code POST /admin/keys/{id}/revoke}
 * (refused on every replica within a second, audited).
 */
public final class KeyAdminRoutes {
  private static final Logger AUDIT = LoggerFactory.getLogger("audit");
  private final Supplier<GatewaySettings> settings;
  private final KeyUsageStore usage;
  private final RevocationStore revocations;
  private final Clock clock;

  public KeyAdminRoutes(Supplier<GatewaySettings> settings, KeyUsageStore usage, RevocationStore revocations,
      Clock clock) {
    this.settings = settings;
    this.usage = usage;
    this.revocations = revocations;
    this.clock = clock;
  }

  /** Call right after the request id handler, before the other admin routes: it counts admin keys' use too. */
  public void mount(Router router) {
    router.route("/admin/*").handler(new KeyUsageHandler(usage));
    router.get("/admin/keys").handler(new AuthHandler(settings, Endpoint.Scope.ADMIN)).handler(this::list);
    router.post("/admin/keys/:id/revoke").handler(new AuthHandler(settings, Endpoint.Scope.ADMIN))
        .handler(this::revoke);
  }

  /** Every configured key's lifecycle row, with cluster-wide usage ({@code GET /admin/keys}, the dashboard). */
  public Future<List<KeyReport.Row>> rows() {
    GatewaySettings current = settings.get();
    return usage.usage(KeyReport.keyIds(current.config()))
        .map(byKey -> KeyReport.rows(current.config(), current.clientKeys().revoked(), byKey, clock.instant()))
        .recover(e -> Future.failedFuture(new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE,
            "key usage counters (Redis) did not answer; retry shortly", 1L)));
  }

  private void list(RoutingContext ctx) {
    GatewaySettings current = settings.get();
    rows().onSuccess(rows -> {
      JsonArray keys = new JsonArray();
      rows.forEach(row -> keys.add(json(row)));
      JsonObject body = new JsonObject()
          .put("now", clock.instant().toString())
          .put("rotate_after_days", current.config().security().rotateAfterDays())
          .put("unused_after_days", KeyReport.UNUSED_DAYS)
          .put("keys", keys);
      ctx.response().putHeader("Content-Type", "application/json").end(body.encodePrettily());
    }).onFailure(ctx::fail);
  }

  private static JsonObject json(KeyReport.Row row) {
    return new JsonObject()
        .put("id", row.id())
        .put("team", row.team())
        .put("scopes", new JsonArray(List.copyOf(row.scopes())))
        .put("created", row.createdAt() == null ? null : row.createdAt().toString())
        .put("expires", row.expiresAt() == null ? null : row.expiresAt().toString())
        .put("age_days", row.ageDays())
        .put("last_used", row.lastUsed() == null ? null : row.lastUsed().toString())
        .put("requests_24h", row.requests24h())
        .put("errors_24h", row.errors24h())
        .put("state", row.state())
        .put("rotation_due", row.rotationDue())
        .put("rotation_reasons", new JsonArray(row.reasons()));
  }

  private void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Principal actor = ctx.get(AuthHandler.KEY);
    revoke(id, actor.keyId(), ctx.get(RequestIdHandler.KEY)).onSuccess(team -> ctx.response()
        .putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("revoked", id)
            .put("team", team)
            .put("effective", "refused on every replica within 1 s; also remove it from the config")
            .encodePrettily())).onFailure(ctx::fail);
  }

  /**
   * Revokes a configured key on every replica and audits it (this route and the dashboard): the key's team (null
   * for an admin key). Fails with {@code not_found} for an id the config does not name, or
   * {@code budget_store_unavailable} when Redis did not store it.
   */
  public Future<String> revoke(String id, String actorKeyId, String requestId) {
    GatewaySettings current = settings.get();
    if (id == null || !KeyReport.keyIds(current.config()).contains(id)) {
      return Future.failedFuture(new GatewayException(ErrorCode.NOT_FOUND, "no configured key has that id"));
    }
    String team = KeyReport.rows(current.config(), current.clientKeys().revoked(), java.util.Map.of(), clock.instant())
        .stream().filter(r -> r.id().equals(id)).findFirst().map(KeyReport.Row::team).orElse(null);
    return revocations.revoke(id).<String>map(v -> {
      AUDIT.info("admin action", kv("action", "keys.revoke"), kv("request_id", requestId),
          kv("client_key_id", actorKeyId), kv("target_key_id", id), kv("team", team), kv("result", "ok"));
      return team;
    }).recover(e -> {
      AUDIT.info("admin action", kv("action", "keys.revoke"), kv("request_id", requestId),
          kv("client_key_id", actorKeyId), kv("target_key_id", id), kv("team", team),
          kv("result", "budget_store_unavailable"));
      return Future.failedFuture(new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE,
          "the revocation could not be stored (Redis did not answer); nothing changed, retry", 1L));
    });
  }
}
