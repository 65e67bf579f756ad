package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /admin/usage} on the management port: every team, per window, as JSON or an aligned text table;
 * admin scope only; each call audited as an admin action.
 */
class AdminUsageTest {
  private final LogCapture logs = LogCapture.attach();
  private OpsFixture fixture;
  private Gateway gateway;
  private String adminKey;
  private String alphaKey;

  @BeforeEach
  void start() {
    fixture = new OpsFixture();
    adminKey = fixture.newClientKey();
    alphaKey = fixture.newClientKey();
    gateway = fixture.startGateway(fixture.header(null, 2) + "teams:\n"
        + OpsFixture.team("alpha", fixture.newUpstreamKey("alpha"), "20", "allow", Map.of("alpha-app", alphaKey))
            .replace("dailyBudgetUsd: \"20\"", "dailyBudgetUsd: \"20\"\n    monthlyBudgetUsd: \"300\"")
        + OpsFixture.team("beta", fixture.newUpstreamKey("beta"), "10", "allow", Map.of())
            .replace("    clientKeys:\n", "")
        + OpsFixture.adminKey("sre-oncall", adminKey));
    assertEquals(200, fixture.generate(gateway, alphaKey, "V_2_TURBO").statusCode());
  }

  @AfterEach
  void stop() {
    fixture.close();
    logs.close();
  }

  @Test
  void reportsEveryTeamPerWindowAsJson() {
    var response = fixture.management(gateway, "/admin/usage", adminKey, null);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonArray teams = response.bodyAsJsonObject().getJsonArray("teams");
    assertEquals(2, teams.size());
    JsonObject alpha = teams.getJsonObject(0);
    assertEquals("alpha", alpha.getString("team"));
    JsonArray windows = alpha.getJsonArray("windows");
    assertEquals(List.of("day", "month"), windows.stream().map(w -> ((JsonObject) w).getString("window")).toList());
    JsonObject day = windows.getJsonObject(0);
    assertEquals("20.00", day.getString("budget_usd"));
    assertEquals("0.05", day.getString("spent_usd"));
    assertEquals("0.00", day.getString("held_usd"));
    assertEquals("19.95", day.getString("remaining_usd"));
    assertEquals(0.3, day.getDouble("utilisation_pct"));
    assertEquals(1, day.getInteger("images"));
    assertEquals("300.00", windows.getJsonObject(1).getString("budget_usd"));
    assertEquals(1, teams.getJsonObject(1).getJsonArray("windows").size(), "beta has no monthly budget");
  }

  @Test
  void reportsAnAlignedTextTableOnRequest() {
    var response = fixture.management(gateway, "/admin/usage", adminKey, "text/plain");
    assertEquals(200, response.statusCode());
    assertTrue(response.getHeader("Content-Type").startsWith("text/plain"));
    List<String> lines = response.bodyAsString().lines().toList();
    assertEquals(4, lines.size(), "header, alpha day, alpha month, beta day");
    assertTrue(lines.get(0).matches("TEAM +WINDOW +PERIOD +BUDGET +SPENT +HELD +REMAINING +USED% +IMAGES"), lines.get(0));
    int width = lines.get(0).length();
    lines.forEach(line -> assertEquals(width, line.length(), "aligned: " + line));
    assertTrue(lines.get(1).matches("alpha +day +\\d{4}-\\d{2}-\\d{2} +20\\.00 +0\\.05 +0\\.00 +19\\.95 +0\\.3 +1"),
        lines.get(1));
  }

  @Test
  void refusesTeamKeysAndMissingKeysAndAuditsEveryCall() {
    var teamKey = fixture.management(gateway, "/admin/usage", alphaKey, null);
    assertEquals(403, teamKey.statusCode());
    assertEquals("scope_denied", teamKey.bodyAsJsonObject().getString("code"));
    assertEquals(401, fixture.management(gateway, "/admin/usage", null, null).statusCode());
    assertEquals(200, fixture.management(gateway, "/admin/usage", adminKey, null).statusCode());

    List<JsonObject> audit = logs.audit().stream().filter(l -> "admin.usage".equals(l.getString("action"))).toList();
    assertEquals(3, audit.size());
    assertEquals("scope_denied", audit.get(0).getString("code"));
    assertEquals("alpha-app", audit.get(0).getString("client_key_id"));
    assertEquals("unauthenticated", audit.get(1).getString("code"));
    assertEquals("success", audit.get(2).getString("result"));
    assertEquals("sre-oncall", audit.get(2).getString("client_key_id"));
    assertEquals(200, audit.get(2).getInteger("status"));
    logs.assertNoSecrets(fixture.secrets);
  }
}
