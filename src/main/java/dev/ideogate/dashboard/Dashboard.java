package dev.ideogate.dashboard;

import dev.ideogate.api.GatewayException;
import dev.ideogate.api.Sha256;
import dev.ideogate.async.AlertThresholds;
import dev.ideogate.async.DeliveryQueue;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.dispatch.DispatcherVerticle;
import dev.ideogate.dispatch.DispatcherVerticle.LaneView;
import dev.ideogate.ingress.BatchRoutes;
import dev.ideogate.ingress.GatewaySettings;
import dev.ideogate.ingress.KeyAdminRoutes;
import dev.ideogate.ingress.RequestIdHandler;
import dev.ideogate.ingress.UsageHandler;
import dev.ideogate.ops.AuditLog;
import dev.ideogate.ops.ReplicaRegistry;
import dev.ideogate.policy.KeyReport;
import dev.ideogate.policy.RateLimitStore;
import dev.ideogate.policy.RateLimiter;
import dev.ideogate.policy.SessionStore;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.KeyFingerprint;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The web dashboard of the management port (docs/dashboard.md): server-rendered pages under {@code /dashboard} for
 * SREs (admin keys: every team, lanes, keys, webhooks) and team leads (a team's {@code usage:read} key: its own
 * team only). Sign-in exchanges a key, authenticated by {@code ClientKeys} exactly as the API does, for a session
 * cookie (HttpOnly, SameSite=Strict, Secure under TLS); every request re-checks the session's key id against the
 * current config and revocations. Changes are POSTs carrying the session's CSRF token. The figures come from the
 * same code as {@code /admin/usage}, {@code /admin/keys} and {@code /admin/webhooks}; nothing is counted twice.
 */
public final class Dashboard {
  static final String COOKIE = "ideogate_dashboard";
  static final String PATH = "/dashboard";
  /** Where a request's session (or none) is put by {@link #loadSession} for the handlers after it. */
  private static final String SESSION = "dashboard.session";
  /**
   * Sign-in attempts per client address: enough for a person who mistypes, too few to guess keys. The buckets live
   * in the rate-limit store (shared by every replica with Redis) under a pseudo-team no team id can be.
   */
  static final RateLimiter.Rate SIGN_IN_RATE = new RateLimiter.Rate(10, 10);
  private static final String SIGN_IN_BUCKETS = "~dashboard";
  static final int CHART_DAYS = 30;
  private static final int MAX_DEAD_LETTERS_SHOWN = 100;
  private static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final Supplier<GatewaySettings> settings;
  private final BudgetLedger ledger;
  private final Clock clock;
  private final KeyAdminRoutes keys;
  private final DeliveryQueue deliveries;
  private final DispatcherVerticle dispatcher;
  private final MeterRegistry metrics;
  private final SessionStore sessions;
  private final ReplicaRegistry replicas;
  private final RateLimitStore rateLimits;
  private final BatchRoutes batches;
  private final Map<String, String> assets = new LinkedHashMap<>();

  public Dashboard(Supplier<GatewaySettings> settings, BudgetLedger ledger, Clock clock, KeyAdminRoutes keys,
      DeliveryQueue deliveries, DispatcherVerticle dispatcher, MeterRegistry metrics, SessionStore sessions,
      ReplicaRegistry replicas, RateLimitStore rateLimits, BatchRoutes batches) {
    this.settings = settings;
    this.ledger = ledger;
    this.clock = clock;
    this.keys = keys;
    this.deliveries = deliveries;
    this.dispatcher = dispatcher;
    this.metrics = metrics;
    this.sessions = sessions;
    this.replicas = replicas;
    this.rateLimits = rateLimits;
    this.batches = batches;
    assets.put("dashboard.css", resource("dashboard/dashboard.css"));
    assets.put("live.js", resource("dashboard/live.js"));
  }

  /** Mounts every dashboard route on the management router (before its 404). */
  public void mount(Router router) {
    router.route(PATH + "*").handler(Dashboard::securityHeaders);
    router.post(PATH + "/*").handler(BodyHandler.create(false).setBodyLimit(4096));
    router.get(PATH + "/static/:name").handler(this::asset);
    router.route(PATH + "*").handler(this::loadSession);
    router.get(PATH + "/").handler(this::home); // Vert.x matches /dashboard too
    router.get(PATH + "/login").handler(this::loginPage);
    router.post(PATH + "/login").handler(this::signIn);
    router.post(PATH + "/logout").handler(this::signOut);
    router.get(PATH + "/overview").handler(this::overview);
    router.get(PATH + "/teams/:team").handler(this::team);
    router.get(PATH + "/keys").handler(this::keyList);
    router.get(PATH + "/keys/:id/revoke").handler(this::confirmRevoke);
    router.post(PATH + "/keys/:id/revoke").handler(this::revoke);
    router.get(PATH + "/webhooks").handler(this::webhooks);
    router.post(PATH + "/webhooks/:id/retry").handler(this::retry);
    router.route(PATH + "/*").handler(ctx -> notFound(ctx, viewer(ctx)));
  }

  // --- who is looking

  /**
   * Reads the cookie's session once per request (from Redis when shared, ARCHITECTURE.md §7) before the page
   * handlers, which then decide synchronously. A store that does not answer reads as signed out.
   */
  private void loadSession(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    sessions.touch(cookie == null ? null : cookie.getValue()).onComplete(done -> {
      ctx.put(SESSION, done.succeeded() ? done.result() : Optional.empty());
      ctx.next();
    });
  }

  private static Optional<SessionStore.Session> session(RoutingContext ctx) {
    Optional<SessionStore.Session> session = ctx.get(SESSION);
    return session == null ? Optional.empty() : session;
  }

  /** The signed-in viewer, or null: no cookie, an expired session, or a key no longer active or allowed. */
  private Pages.Viewer viewer(RoutingContext ctx) {
    Optional<SessionStore.Session> session = session(ctx);
    if (session.isEmpty()) {
      return null;
    }
    KeyReport.Row key = keyRow(session.get().keyId());
    if (key == null || !"active".equals(key.state()) || !allowed(key)) {
      sessions.end(session.get().id()); // revoked, expired or removed by a reload: the session ends now
      ctx.put(SESSION, Optional.empty());
      return null;
    }
    return new Pages.Viewer(key.id(), key.team(), session.get().csrf());
  }

  private KeyReport.Row keyRow(String keyId) {
    GatewaySettings current = settings.get();
    return KeyReport.rows(current.config(), current.clientKeys().revoked(), Map.of(), clock.instant()).stream()
        .filter(row -> row.id().equals(keyId)).findFirst().orElse(null);
  }

  private static boolean allowed(KeyReport.Row key) {
    return key.team() == null ? key.scopes().contains(Endpoint.Scope.ADMIN)
        : key.scopes().contains(Endpoint.Scope.USAGE_READ);
  }

  /** The viewer, or null after sending the sign-in page's redirect. */
  private Pages.Viewer signedIn(RoutingContext ctx) {
    Pages.Viewer viewer = viewer(ctx);
    if (viewer == null) {
      redirect(ctx, PATH + "/login");
    }
    return viewer;
  }

  /** The admin viewer, or null after a redirect (not signed in) or a 403 page (a team's key). */
  private Pages.Viewer admin(RoutingContext ctx) {
    Pages.Viewer viewer = signedIn(ctx);
    if (viewer != null && !viewer.admin()) {
      page(ctx, 403, "Admins only", viewer, false, Pages.message("Admins only",
          "This page is for admin keys. Your key shows your own team."));
      return null;
    }
    return viewer;
  }

  /** A POST's viewer when its CSRF token is the session's; else null after an answer. */
  private Pages.Viewer posted(RoutingContext ctx, boolean adminOnly) {
    Pages.Viewer viewer = adminOnly ? admin(ctx) : signedIn(ctx);
    if (viewer == null) {
      return null;
    }
    Optional<SessionStore.Session> session = session(ctx);
    if (session.isEmpty() || !session.get().csrfMatches(ctx.request().getFormAttribute("csrf"))) {
      page(ctx, 403, "Form expired", viewer, false, Pages.message("Form expired",
          "That form was not sent from this session's pages. Go back, reload the page and try again."));
      return null;
    }
    return viewer;
  }

  // --- sign-in

  private void home(RoutingContext ctx) {
    Pages.Viewer viewer = signedIn(ctx);
    if (viewer != null) {
      redirect(ctx, viewer.admin() ? PATH + "/overview" : PATH + "/teams/" + urlSegment(viewer.team()));
    }
  }

  private void loginPage(RoutingContext ctx) {
    if (viewer(ctx) != null) {
      redirect(ctx, PATH + "/");
      return;
    }
    page(ctx, 200, "Sign in", null, false, Pages.login(null));
  }

  /** Sign-in, after the client address's attempt bucket admits it; refused attempts get a 429 page. */
  private void signIn(RoutingContext ctx) {
    String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    RateLimitStore.Bucket bucket = new RateLimitStore.Bucket(SIGN_IN_BUCKETS, "s:" + addressHash(address),
        SIGN_IN_RATE);
    rateLimits.acquire(List.of(bucket)).onComplete(done -> {
      // A rate-limit store that does not answer does not lock admins out: the key check below still applies.
      if (done.succeeded() && !done.result().admitted()) {
        long retryAfterS = Math.max(1, (done.result().retryAfterUs() + 999_999) / 1_000_000);
        ctx.response().putHeader("Retry-After", Long.toString(retryAfterS));
        page(ctx, 429, "Sign in", null, false, Pages.login("Too many sign-in attempts from your address. Try again"
            + " in " + retryAfterS + " s."));
        return;
      }
      authenticate(ctx);
    });
  }

  /** The client address in bucket names: hashed, so Redis holds no address. */
  private static String addressHash(String address) {
    return Sha256.hex(address).substring(0, 24);
  }

  private void authenticate(RoutingContext ctx) {
    String presented = ctx.request().getFormAttribute("key");
    GatewaySettings current = settings.get();
    var principal = current.clientKeys().authenticate(presented == null ? null : presented.trim());
    KeyReport.Row key = principal.map(p -> keyRow(p.keyId())).orElse(null);
    if (key == null || !allowed(key)) {
      // One answer for unknown, expired, revoked and under-scoped keys, as the API's 401 (never which).
      page(ctx, 401, "Sign in", null, false, Pages.login("That key was not accepted. Use an admin key, or a team"
          + " key that has the usage:read scope."));
      return;
    }
    Cookie old = ctx.request().getCookie(COOKIE);
    if (old != null) {
      sessions.end(old.getValue()); // a fresh id at every sign-in: no session fixation
    }
    sessions.start(key.id(), key.team()).onComplete(started -> {
      if (started.failed()) {
        unavailable(ctx, null, started.cause());
        return;
      }
      ctx.response().addCookie(cookie(started.result().id(), current.config()));
      AuditLog.admin(ctx.get(RequestIdHandler.KEY), "dashboard.sign_in", key.id(), "success", "ok",
          Map.of("team", key.team() == null ? "" : key.team()));
      redirect(ctx, PATH + "/");
    });
  }

  private void signOut(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie != null && posted(ctx, false) == null) {
      return;
    }
    if (cookie != null) {
      sessions.end(cookie.getValue());
    }
    ctx.response().addCookie(cookie("", settings.get().config()).setMaxAge(0));
    redirect(ctx, PATH + "/login");
  }

  private static Cookie cookie(String value, GatewayConfig config) {
    return Cookie.cookie(COOKIE, value).setPath(PATH).setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(config.server().tls().enabled());
  }

  // --- pages

  private void overview(RoutingContext ctx) {
    Pages.Viewer viewer = admin(ctx);
    if (viewer == null) {
      return;
    }
    GatewayConfig config = settings.get().config();
    List<TeamConfig> teams = List.copyOf(config.teams().values());
    Future<List<TeamUsage>> usages = UsageHandler.read(ledger, config, clock, teams);
    Future<List<LaneView>> cluster = dispatcher.clusterLanes()
        .recover(e -> Future.succeededFuture(List.copyOf(dispatcher.lanes())));
    Future<List<ReplicaRegistry.Seen>> seen = replicas.live();
    Future.all(usages, cluster, seen).onComplete(done -> {
      if (done.failed()) {
        unavailable(ctx, viewer, done.cause());
        return;
      }
      List<Pages.TeamLine> lines = new ArrayList<>();
      for (int i = 0; i < teams.size(); i++) {
        TeamConfig team = teams.get(i);
        TeamUsage usage = usages.result().get(i);
        List<Integer> thresholds = team.alerts().thresholdsPercent();
        lines.add(new Pages.TeamLine(usage,
            AlertThresholds.reached(usage.spentDayMicroUsd(), team.dailyBudgetMicroUsd(), thresholds),
            team.monthlyBudgetMicroUsd().isPresent() ? AlertThresholds.reached(usage.spentMonthMicroUsd(),
                team.monthlyBudgetMicroUsd().getAsLong(), thresholds) : List.of()));
      }
      page(ctx, 200, "Overview", viewer, true, Pages.overview(lines, lanes(config, cluster.result()),
          config.upstream().maxInFlightPerKey(), seen.result(), config.budgets().timezone()));
    });
  }

  /** Every lane the config names (idle ones too) and every live one, with the teams whose key it is. */
  private List<Pages.LaneLine> lanes(GatewayConfig config, List<LaneView> cluster) {
    Map<String, List<String>> teamsByLane = new LinkedHashMap<>();
    config.teams().values().forEach(team ->
        teamsByLane.computeIfAbsent(KeyFingerprint.of(team.upstreamKey()), l -> new ArrayList<>()).add(team.id()));
    Map<String, LaneView> views = new LinkedHashMap<>();
    dispatcher.lanes().forEach(view -> views.put(view.lane(), view));
    cluster.forEach(view -> views.put(view.lane(), view));
    views.keySet().forEach(lane -> teamsByLane.putIfAbsent(lane, List.of()));
    int max = config.upstream().maxInFlightPerKey();
    List<Pages.LaneLine> lines = new ArrayList<>();
    teamsByLane.forEach((lane, teams) -> {
      LaneView view = views.get(lane);
      lines.add(new Pages.LaneLine(lane, teams, view == null ? 0 : view.inFlight(), max,
          view == null ? max : view.limit(), view == null ? 0 : view.queued(),
          LaneMetrics.queueWait(metrics, teams), LaneMetrics.throttled(metrics, lane)));
    });
    return lines;
  }

  private void team(RoutingContext ctx) {
    Pages.Viewer viewer = signedIn(ctx);
    if (viewer == null) {
      return;
    }
    GatewayConfig config = settings.get().config();
    String id = ctx.pathParam("team");
    TeamConfig team = config.team(id);
    if (team == null || !viewer.admin() && !viewer.team().equals(team.id())) {
      notFound(ctx, viewer); // another team's page reads exactly as a team that does not exist
      return;
    }
    ZoneId zone = config.budgets().timezone();
    LocalDate today = LocalDate.now(clock.withZone(zone));
    List<String> days = new ArrayList<>(CHART_DAYS);
    for (int i = CHART_DAYS - 1; i >= 0; i--) {
      days.add(today.minusDays(i).toString());
    }
    Future<List<TeamUsage>> usage = UsageHandler.read(ledger, config, clock, List.of(team));
    var spent = ledger.spentByDay(team.id(), days);
    Future<List<KeyReport.Row>> rows = keys.rows();
    Future<JsonObject> teamBatches = batches.teamBatches(team.id()); // the body of GET /v1/batches
    Future.all(usage, spent, rows, teamBatches).onComplete(done -> {
      if (done.failed()) {
        unavailable(ctx, viewer, done.cause());
        return;
      }
      List<KeyReport.Row> own = rows.result().stream().filter(r -> team.id().equals(r.team())).toList();
      page(ctx, 200, "Team " + team.id(), viewer, true,
          Pages.team(usage.result().get(0), spent.result(), own, zone, clock.instant())
              + Pages.batches(teamBatches.result().getJsonArray("data"), zone));
    });
  }

  private void keyList(RoutingContext ctx) {
    Pages.Viewer viewer = admin(ctx);
    if (viewer == null) {
      return;
    }
    GatewayConfig config = settings.get().config();
    String revoked = ctx.request().getParam("revoked");
    String notice = revoked == null || keyRow(revoked) == null ? null
        : "Key " + revoked + " is revoked: refused on every replica within a second. Remove it from the config too.";
    keys.rows().onComplete(done -> {
      if (done.failed()) {
        unavailable(ctx, viewer, done.cause());
        return;
      }
      page(ctx, 200, "Keys", viewer, true, Pages.keys(done.result(), viewer, notice,
          config.security().rotateAfterDays(), config.budgets().timezone(), clock.instant()));
    });
  }

  private void confirmRevoke(RoutingContext ctx) {
    Pages.Viewer viewer = admin(ctx);
    if (viewer == null) {
      return;
    }
    KeyReport.Row key = keyRow(ctx.pathParam("id"));
    if (key == null) {
      notFound(ctx, viewer);
      return;
    }
    page(ctx, 200, "Revoke " + key.id(), viewer, false, Pages.confirmRevoke(key, viewer));
  }

  /** The revocation of {@code POST /admin/keys/{id}/revoke}, same code, same audit line. */
  private void revoke(RoutingContext ctx) {
    Pages.Viewer viewer = posted(ctx, true);
    if (viewer == null) {
      return;
    }
    String id = ctx.pathParam("id");
    keys.revoke(id, viewer.keyId(), ctx.get(RequestIdHandler.KEY)).onComplete(done -> {
      if (done.failed()) {
        unavailable(ctx, viewer, done.cause());
        return;
      }
      redirect(ctx, PATH + "/keys?revoked=" + urlSegment(id));
    });
  }

  private void webhooks(RoutingContext ctx) {
    Pages.Viewer viewer = admin(ctx);
    if (viewer == null) {
      return;
    }
    String retried = ctx.request().getParam("retried");
    String missing = ctx.request().getParam("missing");
    String notice = retried != null ? "Delivery " + retried + " is queued again as a first attempt."
        : missing != null ? "Delivery " + missing + " is no longer a dead letter (already retried?)." : null;
    var depth = deliveries.depth();
    var dead = deliveries.deadLetters(MAX_DEAD_LETTERS_SHOWN);
    Future.all(depth, dead).onComplete(done -> {
      if (done.failed()) {
        unavailable(ctx, viewer, done.cause());
        return;
      }
      page(ctx, 200, "Webhooks", viewer, true, Pages.webhooks(depth.result(), dead.result(), viewer, notice,
          settings.get().config().budgets().timezone()));
    });
  }

  private void retry(RoutingContext ctx) {
    Pages.Viewer viewer = posted(ctx, true);
    if (viewer == null) {
      return;
    }
    String id = ctx.pathParam("id");
    deliveries.retryDeadLetter(id).onComplete(done -> {
      if (done.failed()) {
        unavailable(ctx, viewer, done.cause());
        return;
      }
      AuditLog.admin(ctx.get(RequestIdHandler.KEY), "webhooks.retry", viewer.keyId(),
          done.result() ? "success" : "not_found", done.result() ? "ok" : "not_found", Map.of("delivery_id", id));
      redirect(ctx, PATH + "/webhooks?" + (done.result() ? "retried=" : "missing=") + urlSegment(id));
    });
  }

  // --- answers

  private void notFound(RoutingContext ctx, Pages.Viewer viewer) {
    page(ctx, 404, "Not found", viewer, false, Pages.message("Not found", "There is no such dashboard page."));
  }

  private void unavailable(RoutingContext ctx, Pages.Viewer viewer, Throwable cause) {
    boolean known = cause instanceof GatewayException;
    int status = known ? ((GatewayException) cause).error().status() : 503;
    String text = known ? cause.getMessage() : "the store (Redis) did not answer; this page tries again shortly";
    page(ctx, status == 404 ? 404 : 503, "Unavailable", viewer, status != 404,
        Pages.message(status == 404 ? "Not found" : "Unavailable", text));
  }

  private void page(RoutingContext ctx, int status, String title, Pages.Viewer viewer, boolean live, String body) {
    if (ctx.response().ended()) {
      return;
    }
    GatewayConfig config = settings.get().config();
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .end(Pages.layout(title, viewer, live, body, clock.instant(), config.budgets().timezone()));
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).end();
  }

  private void asset(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String body = assets.get(name);
    if (body == null) {
      notFound(ctx, null);
      return;
    }
    ctx.response().putHeader("Content-Type", name.endsWith(".css") ? "text/css; charset=utf-8"
        : "text/javascript; charset=utf-8").putHeader("Cache-Control", "no-cache").end(body);
  }

  private static void securityHeaders(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response.putHeader("Content-Security-Policy", SECURITY_POLICY)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-store");
    ctx.next();
  }

  private static String urlSegment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String resource(String path) {
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("resource " + path + " missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
