package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.api.MicroUsd;
import dev.ideogate.batch.Batch;
import dev.ideogate.batch.BatchFile;
import dev.ideogate.batch.BatchLine;
import dev.ideogate.batch.BatchState;
import dev.ideogate.batch.BatchStore;
import dev.ideogate.batch.LineResult;
import dev.ideogate.batch.LineState;
import dev.ideogate.batch.ObjectStore;
import dev.ideogate.batch.OnBudget;
import dev.ideogate.batch.ResultUrls;
import dev.ideogate.config.Durations;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.policy.ClientKeys.Principal;
import dev.ideogate.policy.RateLimitStore;
import dev.ideogate.upstream.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The batch routes of the client port (ARCHITECTURE.md §13): submit, follow, list, cancel, read the results and
 * fetch the stored images by their signed URLs. A batch of another team answers 404, as if it did not exist.
 */
public final class BatchRoutes {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String BASE = "/v1/batches";

  private final Supplier<GatewaySettings> settings;
  private final BatchStore store;
  private final ObjectStore objects;
  private final ResultUrls urls;
  private final BatchLineExecutor lines;
  private final RateLimitStore rateLimits;
  private final Clock clock;

  public BatchRoutes(Supplier<GatewaySettings> settings, BatchStore store, ObjectStore objects, ResultUrls urls,
      BatchLineExecutor lines, RateLimitStore rateLimits, Clock clock) {
    this.settings = settings;
    this.store = store;
    this.objects = objects;
    this.urls = urls;
    this.lines = lines;
    this.rateLimits = rateLimits;
    this.clock = clock;
  }

  /** @param bodies the replica's account of buffered bodies (a batch's JSONL counts like any body) */
  public void mount(Router router, BufferedBodies bodies) {
    var server = settings.get().config().server();
    long maxBody = settings.get().config().batches().maxBodyBytes(); // body limits apply at restart
    router.route(ResultUrls.PATH + "*")
        .handler(ctx -> IngressVerticle.allowOnly(ctx, HttpMethod.GET))
        .handler(this::file);
    router.route(BASE)
        .handler(ctx -> {
          if (ctx.request().method() == HttpMethod.GET) {
            ctx.next();
          } else {
            IngressVerticle.allowOnly(ctx, HttpMethod.POST);
          }
        })
        .handler(new AuthHandler(settings, Endpoint.Scope.GENERATE))
        .handler(ctx -> {
          if (ctx.request().method() == HttpMethod.GET) {
            list(ctx);
          } else {
            ctx.next();
          }
        })
        .handler(new RateLimitHandler(settings, rateLimits))
        .handler(new BodyReader(maxBody, server.requestReadTimeout().toMillis(), bodies))
        .handler(this::submit);
    router.route(BASE + "/:id")
        .handler(ctx -> IngressVerticle.allowOnly(ctx, HttpMethod.GET))
        .handler(new AuthHandler(settings, Endpoint.Scope.GENERATE))
        .handler(this::status);
    router.route(BASE + "/:id/results")
        .handler(ctx -> IngressVerticle.allowOnly(ctx, HttpMethod.GET))
        .handler(new AuthHandler(settings, Endpoint.Scope.GENERATE))
        .handler(this::results);
    router.route(BASE + "/:id/cancel")
        .handler(ctx -> IngressVerticle.allowOnly(ctx, HttpMethod.POST))
        .handler(new AuthHandler(settings, Endpoint.Scope.GENERATE))
        .handler(this::cancel);
  }

  private void submit(RoutingContext ctx) {
    GatewaySettings current = settings.get();
    GatewayConfig.Batches limits = current.config().batches();
    TeamConfig team;
    Batch batch;
    List<BatchLine> accepted;
    try {
      team = team(ctx, current);
      OnBudget onBudget = onBudget(ctx.queryParams().get("on_budget"));
      String webhook = AsyncImageHandler.checkedWebhook(ctx.queryParams().get("webhook_url"), current, team,
          "GET /v1/batches/{id}");
      long retentionMs = retention(ctx.queryParams().get("retention"), limits).toMillis();
      accepted = validLines(current, team, jsonl(ctx, current), limits.maxLines());
      batch = new Batch("batch_" + randomHex(12), team.id(), BatchState.RUNNING, onBudget, webhook, clock.millis(),
          retentionMs, 0, accepted.size(), Map.of(LineState.QUEUED, accepted.size()), 0, 0);
    } catch (GatewayException e) {
      ctx.fail(e);
      return;
    }
    store.create(batch, accepted, limits.maxOpenPerTeam()).onComplete(created -> {
      if (created.failed()) {
        ctx.fail(unavailable());
      } else if (!created.result()) {
        ctx.fail(new GatewayException(ErrorCode.RATE_LIMITED, "team " + team.id() + " already has "
            + limits.maxOpenPerTeam() + " open batches (batches.maxOpenPerTeam); wait for one to finish or cancel"
            + " one", 60L));
      } else {
        ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
            .end(batch.toJson(clock.millis()).encode());
      }
    });
  }

  /** Every line read and checked like a direct request; any bad line refuses the whole batch, naming them all. */
  private List<BatchLine> validLines(GatewaySettings current, TeamConfig team, byte[] body, int maxLines) {
    BatchFile.Read read = BatchFile.read(body, maxLines);
    SortedMap<Integer, String> problems = new TreeMap<>(read.problems());
    for (BatchLine line : read.lines()) {
      try {
        lines.admit(current, team, line.endpoint(), line.body());
      } catch (GatewayException e) {
        problems.put(line.number(), e.error().code() + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new GatewayException(ErrorCode.INVALID_REQUEST, BatchFile.describe(problems));
    }
    return read.lines();
  }

  private void status(RoutingContext ctx) {
    String team = principal(ctx).team();
    store.get(team, ctx.pathParam("id")).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(unavailable());
      } else if (found.result().isEmpty()) {
        ctx.fail(notFound(ctx));
      } else {
        ctx.json(found.result().get().toJson(clock.millis()));
      }
    });
  }

  private void list(RoutingContext ctx) {
    teamBatches(principal(ctx).team()).onComplete(all -> {
      if (all.failed()) {
        ctx.fail(unavailable());
        return;
      }
      ctx.json(all.result());
    });
  }

  /** The body of {@code GET /v1/batches} for {@code team}: its batches, newest first (the dashboard shows it too). */
  public Future<JsonObject> teamBatches(String team) {
    return store.list(team).map(all -> {
      JsonArray data = new JsonArray();
      all.forEach(b -> data.add(b.toJson(clock.millis())));
      return new JsonObject().put("object", "list").put("data", data);
    });
  }

  private void cancel(RoutingContext ctx) {
    String team = principal(ctx).team();
    String id = ctx.pathParam("id");
    store.get(team, id).compose(found -> found.isEmpty() ? Future.succeededFuture(false)
            : store.cancel(team, id, clock.millis()).compose(v -> store.get(team, id)).map(b -> {
              ctx.json(b.orElseThrow().toJson(clock.millis()));
              return true;
            }))
        .onComplete(done -> {
          if (done.failed()) {
            ctx.fail(unavailable());
          } else if (!done.result()) {
            ctx.fail(notFound(ctx));
          }
        });
  }

  private void results(RoutingContext ctx) {
    String team = principal(ctx).team();
    String id = ctx.pathParam("id");
    long expiresAtS = clock.millis() / 1000 + settings.get().config().batches().resultUrlTtl().toSeconds();
    String base = baseUrl(ctx);
    store.get(team, id).compose(found -> found.isEmpty() ? Future.succeededFuture((List<LineResult>) null)
            : store.results(team, id))
        .onComplete(done -> {
          if (done.failed()) {
            ctx.fail(unavailable());
            return;
          }
          if (done.result() == null) {
            ctx.fail(notFound(ctx));
            return;
          }
          Buffer out = Buffer.buffer();
          for (LineResult r : done.result()) {
            JsonArray images = new JsonArray();
            r.imageKeys().forEach(key -> images.add(new JsonObject().put("url", base + urls.path(key, expiresAtS))));
            JsonObject line = new JsonObject().put("custom_id", r.customId()).put("line", r.number())
                .put("status", r.state().wire()).put("code", r.code()).put("message", r.message())
                .put("images", images).put("cost_usd", MicroUsd.format(r.costMicroUsd()))
                .put("queue_wait_ms", r.queueWaitMs());
            out.appendString(line.encode()).appendString("\n");
          }
          ctx.response().putHeader("Content-Type", "application/jsonl").end(out);
        });
  }

  /** A stored image, for whoever holds a valid signed URL (no client key: the URL is the credential). */
  private void file(RoutingContext ctx) {
    String key = ctx.request().path().substring(ResultUrls.PATH.length());
    long expires;
    try {
      expires = Long.parseLong(ctx.queryParams().get("expires"));
    } catch (NumberFormatException e) {
      expires = 0;
    }
    if (!urls.valid(key, expires, ctx.queryParams().get("sig"), clock.millis() / 1000)) {
      ctx.fail(new GatewayException(ErrorCode.NOT_FOUND, "no such image, or its URL expired"));
      return;
    }
    objects.get(key).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(unavailable());
      } else if (found.result().isEmpty()) {
        ctx.fail(new GatewayException(ErrorCode.NOT_FOUND, "no such image, or its URL expired"));
      } else {
        ctx.response().putHeader("Content-Type", "image/png").putHeader("Cache-Control", "private, max-age=3600")
            .end(found.result().get());
      }
    });
  }

  private static TeamConfig team(RoutingContext ctx, GatewaySettings current) {
    Principal principal = principal(ctx);
    TeamConfig team = current.config().team(principal.team());
    if (team == null) {
      throw new GatewayException(ErrorCode.SCOPE_DENIED, "key " + principal.keyId() + " belongs to no team");
    }
    return team;
  }

  private static Principal principal(RoutingContext ctx) {
    return ctx.get(AuthHandler.KEY);
  }

  private static OnBudget onBudget(String value) {
    if (value == null || value.isEmpty()) {
      return OnBudget.PAUSE;
    }
    return switch (value) {
      case "pause" -> OnBudget.PAUSE;
      case "fail" -> OnBudget.FAIL;
      default -> throw new GatewayException(ErrorCode.INVALID_REQUEST, "on_budget must be pause or fail");
    };
  }

  private static Duration retention(String value, GatewayConfig.Batches limits) {
    if (value == null || value.isEmpty()) {
      return limits.defaultRetention();
    }
    Duration retention;
    try {
      retention = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new GatewayException(ErrorCode.INVALID_REQUEST, "retention: " + e.getMessage());
    }
    if (retention.compareTo(limits.maxRetention()) > 0 || retention.isZero()) {
      throw new GatewayException(ErrorCode.INVALID_REQUEST, "retention must be between 1ms and "
          + Durations.format(limits.maxRetention()) + " (batches.maxRetention)");
    }
    return retention;
  }

  /** {@code server.publicBaseUrl}, else the scheme and host the client used. */
  private String baseUrl(RoutingContext ctx) {
    String configured = settings.get().config().server().publicBaseUrl();
    if (!configured.isEmpty()) {
      return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    }
    String host = ctx.request().authority() == null ? "localhost" : ctx.request().authority().toString();
    return ctx.request().scheme() + "://" + host;
  }

  /** The JSONL: the body itself, or the part named {@code file} of a multipart body. */
  private static byte[] jsonl(RoutingContext ctx, GatewaySettings current) {
    byte[] body = ctx.<Buffer>get(BodyReader.KEY).getBytes();
    String contentType = ctx.request().getHeader("Content-Type");
    if (!"multipart/form-data".equals(BodyParser.mediaType(contentType))) {
      return body;
    }
    return new BodyParser(current.config().server().maxParts()).file(contentType, body, "file");
  }

  private static GatewayException notFound(RoutingContext ctx) {
    return new GatewayException(ErrorCode.NOT_FOUND, "no batch " + IngressVerticle.sanitize(ctx.pathParam("id"))
        + " for this team");
  }

  private static GatewayException unavailable() {
    return new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE, "the batch store did not answer", 1L);
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
