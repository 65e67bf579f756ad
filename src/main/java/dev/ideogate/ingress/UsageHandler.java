package dev.ideogate.ingress;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.budget.BudgetLedger;
import dev.ideogate.budget.BudgetWindow;
import dev.ideogate.budget.TeamBudget;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.ops.UsageReport;
import dev.ideogate.policy.ClientKeys.Principal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /v1/usage} (the caller's own team) and {@code GET /admin/usage} (every team): JSON, or an aligned text
 * table when the client asks for {@code text/plain}.
 */
public final class UsageHandler implements Handler<RoutingContext> {
  private final Supplier<GatewaySettings> settings;
  private final BudgetLedger ledger;
  private final Clock clock;
  private final boolean allTeams;

  public UsageHandler(Supplier<GatewaySettings> settings, BudgetLedger ledger, Clock clock, boolean allTeams) {
    this.settings = settings;
    this.ledger = ledger;
    this.clock = clock;
    this.allTeams = allTeams;
  }

  @Override
  public void handle(RoutingContext ctx) {
    GatewayConfig config = settings.get().config();
    List<TeamConfig> teams = new ArrayList<>();
    if (allTeams) {
      teams.addAll(config.teams().values());
    } else {
      Principal principal = ctx.get(AuthHandler.KEY);
      TeamConfig team = principal.team() == null ? null : config.team(principal.team());
      if (team == null) {
        ctx.fail(new GatewayException(ErrorCode.SCOPE_DENIED, "key " + principal.keyId() + " belongs to no team"));
        return;
      }
      teams.add(team);
    }
    Future<List<TeamUsage>> usages = read(ledger, config, clock, teams);
    usages.onSuccess(all -> respond(ctx, all, config)).onFailure(ctx::fail);
  }

  /** The usage of those teams in today's windows (budgets time zone), as this route and the dashboard show it. */
  public static Future<List<TeamUsage>> read(BudgetLedger ledger, GatewayConfig config, Clock clock,
      List<TeamConfig> teams) {
    BudgetWindow window = BudgetWindow.now(clock, config.budgets().timezone());
    List<Future<TeamUsage>> usages = teams.stream()
        .map(t -> ledger.usage(new TeamBudget(t.id(), t.dailyBudgetMicroUsd(), t.monthlyBudgetMicroUsd()), window))
        .toList();
    return Future.all(usages).map(all -> usages.stream().map(Future::result).toList());
  }

  private void respond(RoutingContext ctx, List<TeamUsage> usages, GatewayConfig config) {
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && accept.contains("text/plain") && !accept.contains("application/json")) {
      ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(UsageReport.table(usages));
      return;
    }
    String zone = config.budgets().timezone().getId();
    JsonObject body;
    if (allTeams) {
      JsonArray teams = new JsonArray();
      usages.forEach(u -> teams.add(new JsonObject(UsageReport.json(u, zone))));
      body = new JsonObject().put("teams", teams);
    } else {
      body = new JsonObject(UsageReport.json(usages.get(0), zone));
    }
    ctx.response().putHeader("Content-Type", "application/json").end(body.encodePrettily());
  }
}
