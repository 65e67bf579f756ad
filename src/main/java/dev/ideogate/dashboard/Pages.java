package dev.ideogate.dashboard;

import static dev.ideogate.dashboard.Html.esc;
import static dev.ideogate.dashboard.Html.time;
import static dev.ideogate.dashboard.Html.usd;

import dev.ideogate.batch.LineState;
import dev.ideogate.budget.DaySpend;
import dev.ideogate.budget.TeamUsage;
import dev.ideogate.ops.ReplicaRegistry;
import dev.ideogate.policy.KeyReport;
import dev.ideogate.api.MicroUsd;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * The dashboard's pages as HTML strings: one layout, then a function per page over plain data. Every dynamic value
 * is escaped with {@link Html#esc}; no key, hash or request body ever reaches a page. Pure.
 */
final class Pages {
  /** Live pages poll themselves this often (live.js swaps the {@code <main>} without a reload). */
  static final int REFRESH_MS = 5_000;

  private Pages() {}

  /** Who is looking: an admin key (team null) or a team's usage:read key; the CSRF token of their session. */
  record Viewer(String keyId, String team, String csrf) {
    boolean admin() {
      return team == null;
    }
  }

  /** One team's row of the overview: its usage now and the alert thresholds its windows have reached. */
  record TeamLine(TeamUsage usage, List<Integer> dayAlerts, List<Integer> monthAlerts) {}

  /** One lane (upstream key) of the overview. */
  record LaneLine(String lane, List<String> teams, int inFlight, int maxInFlight, int aimdLimit, int queued,
      LaneMetrics.Wait queueWait, long throttled) {}

  static String layout(String title, Viewer viewer, boolean live, String body, Instant now, ZoneId zone) {
    StringBuilder page = new StringBuilder(4096);
    page.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(esc(title)).append(" · Ideogate</title>")
        .append("<link rel=\"stylesheet\" href=\"/dashboard/static/dashboard.css\">")
        .append("<script src=\"/dashboard/static/live.js\" defer></script></head>")
        .append("<body").append(live ? " data-refresh-ms=\"" + REFRESH_MS + "\"" : "").append(">")
        .append("<header><span class=\"brand\">Ideogate</span>");
    if (viewer != null) {
      page.append("<nav aria-label=\"Dashboard\">");
      if (viewer.admin()) {
        page.append("<a href=\"/dashboard/overview\">Overview</a><a href=\"/dashboard/keys\">Keys</a>")
            .append("<a href=\"/dashboard/webhooks\">Webhooks</a>");
      } else {
        page.append("<a href=\"/dashboard/teams/").append(esc(viewer.team())).append("\">Team ")
            .append(esc(viewer.team())).append("</a>");
      }
      page.append("</nav><span class=\"who\">Signed in with key <code>").append(esc(viewer.keyId()))
          .append("</code></span><form method=\"post\" action=\"/dashboard/logout\" class=\"inline\">")
          .append(csrf(viewer)).append("<button type=\"submit\">Sign out</button></form>");
    }
    page.append("</header><main id=\"live\">").append(body).append("<p class=\"updated\">Updated <span id=\"updated\">")
        .append(esc(time(now, zone))).append("</span>");
    if (live) {
      page.append(" · refreshes every ").append(REFRESH_MS / 1000).append(" s");
    }
    return page.append("</p></main></body></html>").toString();
  }

  static String login(String message) {
    StringBuilder body = new StringBuilder("<h1>Sign in</h1>");
    if (message != null) {
      body.append("<p class=\"error\" role=\"alert\">").append(esc(message)).append("</p>");
    }
    body.append("<form method=\"post\" action=\"/dashboard/login\" class=\"login\">")
        .append("<label for=\"key\">Gateway key: an admin key, or a team key with the <code>usage:read</code>")
        .append(" scope</label>")
        .append("<input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"off\" required maxlength=\"128\">")
        .append("<button type=\"submit\">Sign in</button></form>")
        .append("<p class=\"hint\">The key is checked once and never stored: the session cookie stands for it, and")
        .append(" ends when the key is revoked or expires.</p>");
    return body.toString();
  }

  static String message(String heading, String text) {
    return "<h1>" + esc(heading) + "</h1><p>" + esc(text) + "</p>";
  }

  static String overview(List<TeamLine> teams, List<LaneLine> lanes, int maxInFlight,
      List<ReplicaRegistry.Seen> replicas, ZoneId zone) {
    StringBuilder body = new StringBuilder("<h1>Overview</h1>");
    body.append("<p class=\"hint\">Budgets in time zone ").append(esc(zone.getId()))
        .append(". Spent is settled; held is reserved by requests in flight and counts against the budget.</p>")
        .append("<h2>Teams</h2><table class=\"teams\"><thead><tr><th scope=\"col\">Team</th>")
        .append("<th scope=\"col\">Today</th><th scope=\"col\">This month</th><th scope=\"col\">Held now</th>")
        .append("<th scope=\"col\">Remaining</th><th scope=\"col\">Images today / month</th>")
        .append("<th scope=\"col\">Alerts fired</th></tr></thead><tbody>");
    for (TeamLine line : teams) {
      TeamUsage u = line.usage();
      String id = esc(u.team());
      body.append("<tr id=\"team-").append(id).append("\"><th scope=\"row\"><a href=\"/dashboard/teams/").append(id)
          .append("\">").append(id).append("</a></th><td>")
          .append(window(u.spentDayMicroUsd(), u.heldMicroUsd(), u.dailyLimitMicroUsd(), "spent-day", "today"))
          .append("</td><td>");
      if (u.monthlyLimitMicroUsd().isPresent()) {
        body.append(window(u.spentMonthMicroUsd(), u.heldMicroUsd(), u.monthlyLimitMicroUsd().getAsLong(),
            "spent-month", "this month"));
      } else {
        body.append("<span class=\"spent-month\">").append(usd(u.spentMonthMicroUsd()))
            .append("</span> <span class=\"hint\">no monthly limit</span>");
      }
      body.append("</td><td class=\"num held\">").append(usd(u.heldMicroUsd())).append("</td><td class=\"num remaining\">")
          .append(usd(u.remainingMicroUsd())).append("</td><td class=\"num images\">").append(u.imagesDay())
          .append(" / ").append(u.imagesMonth()).append("</td><td class=\"alerts\">")
          .append(alerts(line.dayAlerts(), line.monthAlerts())).append("</td></tr>");
    }
    body.append("</tbody></table>");
    body.append("<h2>Lanes</h2><p class=\"hint\">One lane per upstream key. In flight counts every replica's permits")
        .append(" against upstream.maxInFlightPerKey (").append(maxInFlight).append("); the AIMD limit is the")
        .append(" lane's current limit after Ideogram's 429s. Queue, wait and 429s are this replica's since it")
        .append(" started.</p><table class=\"lanes\"><thead><tr><th scope=\"col\">Lane (key fingerprint)</th>")
        .append("<th scope=\"col\">Teams</th><th scope=\"col\">In flight / limit</th>")
        .append("<th scope=\"col\">AIMD limit</th><th scope=\"col\">Queued</th>")
        .append("<th scope=\"col\">Queue wait p50 / p99</th><th scope=\"col\">Upstream 429s</th></tr></thead><tbody>");
    for (LaneLine lane : lanes) {
      body.append("<tr id=\"lane-").append(esc(lane.lane())).append("\"><th scope=\"row\"><code>")
          .append(esc(lane.lane())).append("</code></th><td>").append(esc(String.join(", ", lane.teams())))
          .append("</td><td class=\"num inflight\">").append(lane.inFlight()).append(" / ").append(lane.maxInFlight())
          .append("</td><td class=\"num\">").append(lane.aimdLimit()).append("</td><td class=\"num\">")
          .append(lane.queued()).append("</td><td class=\"num\">").append(ms(lane.queueWait().p50Ms())).append(" / ")
          .append(ms(lane.queueWait().p99Ms())).append("</td><td class=\"num\">").append(lane.throttled())
          .append("</td></tr>");
    }
    body.append("</tbody></table>");
    body.append("<h2>Replicas seen</h2><p class=\"hint\">Gateway replicas whose heartbeat is at most a few seconds")
        .append(" old. This page came from ").append(replicas.isEmpty() ? "a replica that cannot read the heartbeats"
            : "one of them").append(".</p><table class=\"replicas\"><thead><tr><th scope=\"col\">Replica</th>")
        .append("<th scope=\"col\">Last heartbeat</th></tr></thead><tbody>");
    for (ReplicaRegistry.Seen seen : replicas) {
      body.append("<tr class=\"replica\"><th scope=\"row\"><code>").append(esc(seen.replica()))
          .append("</code></th><td>").append(time(seen.lastSeen(), zone)).append("</td></tr>");
    }
    return body.append("</tbody></table>").toString();
  }

  static String team(TeamUsage usage, List<DaySpend> days, List<KeyReport.Row> keys, ZoneId zone, Instant now) {
    String id = esc(usage.team());
    StringBuilder body = new StringBuilder("<h1>Team ").append(id).append("</h1>");
    body.append("<dl class=\"summary\"><div><dt>Today (").append(esc(usage.day())).append(")</dt><dd>")
        .append(window(usage.spentDayMicroUsd(), usage.heldMicroUsd(), usage.dailyLimitMicroUsd(), "spent-day",
            "today"))
        .append("</dd></div><div><dt>This month (").append(esc(usage.month())).append(")</dt><dd>");
    if (usage.monthlyLimitMicroUsd().isPresent()) {
      body.append(window(usage.spentMonthMicroUsd(), usage.heldMicroUsd(),
          usage.monthlyLimitMicroUsd().getAsLong(), "spent-month", "this month"));
    } else {
      body.append("<span class=\"spent-month\">").append(usd(usage.spentMonthMicroUsd()))
          .append("</span> spent, no monthly limit");
    }
    body.append("</dd></div><div><dt>Held now</dt><dd class=\"held\">").append(usd(usage.heldMicroUsd()))
        .append("</dd></div><div><dt>Remaining</dt><dd class=\"remaining\">").append(usd(usage.remainingMicroUsd()))
        .append("</dd></div><div><dt>Images today / month</dt><dd class=\"images\">").append(usage.imagesDay())
        .append(" / ").append(usage.imagesMonth()).append("</dd></div></dl>");
    body.append("<h2>Spend per day, last ").append(days.size()).append(" days</h2>")
        .append("<p class=\"hint\">Settled spend per calendar day in ").append(esc(zone.getId()))
        .append("; the dashed line is today's daily budget.</p>")
        .append(Charts.dailySpend(days, usage.dailyLimitMicroUsd()))
        .append("<details><summary>The figures</summary><table class=\"days\"><thead><tr><th scope=\"col\">Day</th>")
        .append("<th scope=\"col\">Spent</th><th scope=\"col\">Images</th></tr></thead><tbody>");
    for (int i = days.size() - 1; i >= 0; i--) {
      DaySpend day = days.get(i);
      body.append("<tr><td>").append(esc(day.day())).append("</td><td class=\"num\">").append(usd(day.spentMicroUsd()))
          .append("</td><td class=\"num\">").append(day.images()).append("</td></tr>");
    }
    body.append("</tbody></table></details>");
    body.append("<h2>By model</h2><p>Not recorded: the budget ledger keeps each team's spend per day and month, not")
        .append(" per model. Requests per endpoint are in the metric <code>ideogate_requests_total</code>.</p>");
    body.append("<h2>Client keys</h2>").append(keyTable(keys, null, zone, now));
    return body.toString();
  }

  /**
   * A team's batches (ARCHITECTURE.md §13) from the {@code data} of {@code GET /v1/batches}: state, lines per line
   * state, cost so far and the ETA the API reports, newest first.
   */
  static String batches(JsonArray data, ZoneId zone) {
    StringBuilder body = new StringBuilder("<h2>Batches</h2>");
    if (data.isEmpty()) {
      return body.append("<p class=\"batches-none\">No batch in its retention period.</p>").toString();
    }
    body.append("<table class=\"batches\"><thead><tr><th scope=\"col\">Batch</th><th scope=\"col\">Created</th>")
        .append("<th scope=\"col\">State</th><th scope=\"col\">Lines</th>");
    // the line states in the order of a batch's progress, as LineState declares them
    for (LineState state : LineState.values()) {
      body.append("<th scope=\"col\">").append(esc(state.wire().replace('_', ' '))).append("</th>");
    }
    body.append("<th scope=\"col\">Cost so far</th><th scope=\"col\">ETA</th></tr></thead><tbody>");
    for (int i = 0; i < data.size(); i++) {
      JsonObject batch = data.getJsonObject(i);
      JsonObject counts = batch.getJsonObject("counts", new JsonObject());
      String id = esc(batch.getString("id"));
      body.append("<tr class=\"batch\" id=\"batch-").append(id).append("\"><th scope=\"row\"><code>").append(id)
          .append("</code></th><td>").append(time(Instant.ofEpochSecond(batch.getLong("created_at", 0L)), zone))
          .append("</td><td class=\"state\">").append(esc(batch.getString("state"))).append("</td><td class=\"num\">")
          .append(batch.getInteger("lines", 0)).append("</td>");
      for (LineState state : LineState.values()) {
        body.append("<td class=\"num ").append(state.wire()).append("\">").append(counts.getInteger(state.wire(), 0))
            .append("</td>");
      }
      body.append("<td class=\"num cost\">").append(usd(MicroUsd.parse(batch.getString("cost_usd", "0"))))
          .append("</td><td class=\"eta\">").append(eta(batch, zone)).append("</td></tr>");
    }
    return body.append("</tbody></table>").toString();
  }

  /** The API's {@code eta_seconds} in words; "paused until …" while paused, "—" when it has none. */
  static String eta(JsonObject batch, ZoneId zone) {
    Long seconds = batch.getLong("eta_seconds");
    if ("paused".equals(batch.getString("state"))) {
      return "paused until " + time(Instant.ofEpochSecond(batch.getLong("paused_until", 0L)), zone);
    }
    if (seconds == null) {
      return "—";
    }
    if (seconds < 120) {
      return seconds + " s";
    }
    return seconds < 7_200 ? "about " + (seconds + 59) / 60 + " min" : "about " + (seconds + 1_799) / 3_600 + " h";
  }

  /**
   * The key inventory; {@code admin} non-null adds the team column and a revoke button per active key (the
   * button leads to a confirmation page; the revocation itself is a POST there).
   */
  static String keyTable(List<KeyReport.Row> keys, Viewer admin, ZoneId zone, Instant now) {
    StringBuilder table = new StringBuilder("<table class=\"keys\"><thead><tr><th scope=\"col\">Key id</th>");
    if (admin != null) {
      table.append("<th scope=\"col\">Team</th>");
    }
    table.append("<th scope=\"col\">Scopes</th><th scope=\"col\">Requests 24 h</th><th scope=\"col\">Errors 24 h</th>")
        .append("<th scope=\"col\">Last used</th><th scope=\"col\">Age</th><th scope=\"col\">Expires</th>")
        .append("<th scope=\"col\">State</th><th scope=\"col\">Rotation due</th>");
    if (admin != null) {
      table.append("<th scope=\"col\">Action</th>");
    }
    table.append("</tr></thead><tbody>");
    for (KeyReport.Row key : keys) {
      String id = esc(key.id());
      table.append("<tr id=\"key-").append(id).append("\"><th scope=\"row\"><code>").append(id).append("</code></th>");
      if (admin != null) {
        table.append("<td>").append(key.team() == null ? "(admin)" : esc(key.team())).append("</td>");
      }
      table.append("<td>").append(esc(String.join(", ", key.scopes().stream().sorted().toList())))
          .append("</td><td class=\"num\">").append(key.requests24h()).append("</td><td class=\"num\">")
          .append(key.errors24h()).append("</td><td class=\"time\">").append(esc(time(key.lastUsed(), zone)))
          .append("</td><td class=\"time\">")
          .append(key.ageDays() == null ? "unknown" : key.ageDays() + " days").append("</td><td class=\"time\">")
          .append(key.expiresAt() == null ? "never" : esc(time(key.expiresAt(), zone)))
          .append("</td><td class=\"state state-").append(esc(key.state())).append("\">").append(esc(key.state()))
          .append("</td><td>").append(key.rotationDue() ? "<strong>yes</strong>: " + esc(String.join("; ",
              key.reasons())) : "no").append("</td>");
      if (admin != null) {
        table.append("<td>");
        if ("active".equals(key.state())) {
          table.append("<a class=\"button danger\" href=\"/dashboard/keys/").append(id)
              .append("/revoke\">Revoke ").append(id).append("…</a>");
        }
        table.append("</td>");
      }
      table.append("</tr>");
    }
    return table.append("</tbody></table>").toString();
  }

  static String keys(List<KeyReport.Row> keys, Viewer admin, String notice, int rotateAfterDays, ZoneId zone,
      Instant now) {
    StringBuilder body = new StringBuilder("<h1>Keys</h1>");
    if (notice != null) {
      body.append("<p class=\"notice\" role=\"status\">").append(esc(notice)).append("</p>");
    }
    body.append("<p class=\"hint\">Rotation is due after ").append(rotateAfterDays)
        .append(" days (security.rotateAfterDays) or ").append(KeyReport.UNUSED_DAYS)
        .append(" days unused. Counts are across every replica.</p>").append(keyTable(keys, admin, zone, now));
    return body.toString();
  }

  static String confirmRevoke(KeyReport.Row key, Viewer admin) {
    String id = esc(key.id());
    return "<h1>Revoke key <code>" + id + "</code>?</h1><p>Key <code>" + id + "</code> of "
        + (key.team() == null ? "the admins" : "team " + esc(key.team())) + " will be refused on every replica"
        + " within a second, and every dashboard session signed in with it ends. This cannot be undone here:"
        + " remove the key from the config as well, and issue a new one if it is still needed.</p>"
        + "<form method=\"post\" action=\"/dashboard/keys/" + id + "/revoke\">" + csrf(admin)
        + "<button type=\"submit\" class=\"danger\">Revoke " + id + "</button> "
        + "<a href=\"/dashboard/keys\">Cancel</a></form>";
  }

  static String webhooks(JsonObject depth, List<JsonObject> dead, Viewer admin, String notice, ZoneId zone) {
    StringBuilder body = new StringBuilder("<h1>Webhooks</h1>");
    if (notice != null) {
      body.append("<p class=\"notice\" role=\"status\">").append(esc(notice)).append("</p>");
    }
    body.append("<dl class=\"summary\"><div><dt>Queued</dt><dd>").append(depth.getLong("queued", 0L))
        .append("</dd></div><div><dt>Retries scheduled</dt><dd>").append(depth.getLong("retry_scheduled", 0L))
        .append("</dd></div><div><dt>Dead letters</dt><dd class=\"dead-count\">")
        .append(depth.getLong("dead_letters", 0L)).append("</dd></div></dl>");
    body.append("<h2>Dead letters, newest first</h2>");
    if (dead.isEmpty()) {
      return body.append("<p>None: every delivery succeeded or is still being tried.</p>").toString();
    }
    body.append("<table class=\"dead\"><thead><tr><th scope=\"col\">Delivery</th><th scope=\"col\">Team</th>")
        .append("<th scope=\"col\">Kind</th><th scope=\"col\">URL</th><th scope=\"col\">Attempts</th>")
        .append("<th scope=\"col\">Why</th><th scope=\"col\">Dead since</th><th scope=\"col\">Action</th></tr>")
        .append("</thead><tbody>");
    for (JsonObject letter : dead) {
      String id = esc(letter.getString("delivery_id"));
      Long deadAt = letter.getLong("dead_at_ms");
      body.append("<tr id=\"dead-").append(id).append("\"><th scope=\"row\"><code>").append(id)
          .append("</code></th><td>").append(esc(letter.getString("team"))).append("</td><td>")
          .append(esc(letter.getString("kind"))).append("</td><td class=\"url\">").append(esc(letter.getString("url")))
          .append("</td><td class=\"num\">").append(letter.getInteger("attempts", 0)).append("</td><td>")
          .append(esc(letter.getString("reason"))).append("</td><td class=\"time\">")
          .append(esc(time(deadAt == null ? null : Instant.ofEpochMilli(deadAt), zone))).append("</td><td>")
          .append("<form method=\"post\" action=\"/dashboard/webhooks/").append(id).append("/retry\">")
          .append(csrf(admin)).append("<button type=\"submit\">Retry ").append(id).append("</button></form></td></tr>");
    }
    return body.append("</tbody></table>").toString();
  }

  private static String window(long spent, long held, long budget, String spentClass, String label) {
    return Charts.budgetBar("Spend " + label, spent, held, budget) + " <span class=\"figures\"><span class=\""
        + spentClass + "\">" + usd(spent) + "</span> of " + usd(budget) + "</span>";
  }

  private static String alerts(List<Integer> day, List<Integer> month) {
    if (day.isEmpty() && month.isEmpty()) {
      return "none";
    }
    StringBuilder out = new StringBuilder();
    if (!day.isEmpty()) {
      out.append("day ").append(percentages(day));
    }
    if (!month.isEmpty()) {
      out.append(out.isEmpty() ? "" : "; ").append("month ").append(percentages(month));
    }
    return out.toString();
  }

  private static String percentages(List<Integer> thresholds) {
    return String.join(", ", thresholds.stream().map(t -> t + " %").toList());
  }

  private static String ms(double value) {
    return Double.isNaN(value) ? "–" : value < 10 ? String.format(java.util.Locale.ROOT, "≤ %.1f ms", value)
        : String.format(java.util.Locale.ROOT, "≤ %.0f ms", value);
  }

  private static String csrf(Viewer viewer) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(viewer.csrf()) + "\">";
  }
}
