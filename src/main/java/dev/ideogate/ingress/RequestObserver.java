package dev.ideogate.ingress;

import dev.ideogate.config.TeamConfig;
import dev.ideogate.ops.AuditLog;
import dev.ideogate.ops.GatewayMetrics;
import dev.ideogate.ops.RequestRecord;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.ImageRequest;
import io.vertx.core.AsyncResult;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The end-of-request hook of the client port (the ingress's observer slot): when a request's response ends, or its
 * client goes away, it reads the request's {@link RequestFacts} and records one
 * {@link RequestRecord} in the metrics and the audit log. Installed right after {@link RequestIdHandler}, so
 * every request is counted, refusals included.
 */
public final class RequestObserver {
  private static final String USAGE_PATH = "/v1/usage";

  private final Supplier<GatewaySettings> settings;
  private final GatewayMetrics metrics;

  public RequestObserver(Supplier<GatewaySettings> settings, GatewayMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  /** Arms the hook for this request; does not call {@code ctx.next()}. */
  public void observe(RoutingContext ctx) {
    ctx.addEndHandler(ended -> finished(ctx, ended));
  }

  /**
   * Management-port handler for {@code /admin/*}: arms an audit line for the admin action (e.g. {@code
   * admin.usage}, with the key id, result and code), then passes the request on.
   */
  public void auditAdmin(RoutingContext ctx) {
    ctx.addEndHandler(ended -> {
      boolean answered = ended.succeeded() && ctx.response().ended();
      RequestFacts facts = RequestFacts.of(ctx);
      String errorCode = facts.errorCode();
      String code = !answered ? RequestRecord.CLIENT_CLOSED : errorCode != null ? errorCode : RequestRecord.OK;
      String action = "admin." + ctx.request().path().substring("/admin/".length()).replace('/', '.');
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("method", ctx.request().method().name());
      details.put("status", answered ? ctx.response().getStatusCode() : 0);
      details.put("duration_ms", (System.nanoTime() - facts.startedNanos()) / 1_000_000L);
      String result = RequestRecord.OK.equals(code) ? "success" : RequestRecord.CLIENT_CLOSED.equals(code)
          ? "cancelled" : "error";
      AuditLog.admin(ctx.get(RequestIdHandler.KEY), clip(action), facts.clientKeyId(), result,
          code, details);
    });
    ctx.next();
  }

  private void finished(RoutingContext ctx, AsyncResult<Void> ended) {
    RequestRecord record = record(ctx, ended.succeeded() && ctx.response().ended());
    metrics.request(record.team(), record.endpoint(), record.code(), record.durationNanos());
    metrics.spent(record.team(), record.model(), record.costMicroUsd());
    GatewaySettings current = settings.get();
    TeamConfig team = record.team() == null ? null : current.config().team(record.team());
    boolean redactPii = team == null || "redact-logs".equals(team.pii());
    AuditLog.request(record, current.config().audit().includePrompts(), redactPii);
  }

  static RequestRecord record(RoutingContext ctx, boolean answered) {
    String path = ctx.request().path();
    Endpoint endpoint = Endpoint.byPath(path).orElse(null);
    String label = endpoint != null ? endpoint.label() : USAGE_PATH.equals(path) ? "v1/usage" : "other";
    String action = endpoint != null ? endpoint.action() : USAGE_PATH.equals(path) ? "usage.read" : "http.request";
    RequestFacts facts = RequestFacts.of(ctx);
    ImageRequest request = facts.imageRequest();
    String errorCode = facts.errorCode();
    String code = !answered ? RequestRecord.CLIENT_CLOSED : errorCode != null ? errorCode : RequestRecord.OK;
    long duration = Math.max(0, System.nanoTime() - facts.startedNanos());
    return new RequestRecord(
        ctx.get(RequestIdHandler.KEY),
        facts.team(),
        facts.clientKeyId(),
        label,
        action,
        request == null ? null : request.model(),
        facts.images(),
        answered ? ctx.response().getStatusCode() : 0,
        code,
        facts.costMicroUsd(),
        facts.upstreamStatus(),
        facts.queueWaitMs(),
        duration,
        request == null ? null : request.prompt());
  }

  /** An action name from a client-chosen path: printable, at most 64 characters. */
  private static String clip(String action) {
    String printable = action.replaceAll("[^A-Za-z0-9._-]", "?");
    return printable.length() > 64 ? printable.substring(0, 64) : printable;
  }
}
