package dev.ideogate.dashboard;

import static dev.ideogate.dashboard.DashboardHttp.page;
import static dev.ideogate.dashboard.DashboardHttp.signIn;
import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Http.Reply;
import dev.ideogate.testing.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team's page on the dashboard lists its batches as {@code GET /v1/batches} reports them (docs/dashboard.md):
 * state, lines per line state, cost so far, ETA; another team's batches are not on it.
 */
class DashboardBatchesTest {
  private static final String TEAM_KEY = TestConfig.clientKey("makers");
  private static final String OTHER_KEY = TestConfig.clientKey("others");

  @TempDir
  Path images;

  @Test
  void theTeamPageShowsTheTeamsBatchesWithTheirCountsCostAndState() {
    try (GatewayHarness harness = GatewayHarness.fastSimulator()) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url)
          .team("makers", "contentPolicy: permissive")
          .team("others", "contentPolicy: permissive")
          .top("batches:\n  imageDir: \"" + images + "\"\n  urlSecret: \"dash-url-secret-0123456789\"")
          .build());
      String mine = submit(harness, gateway, TEAM_KEY, 3);
      String theirs = submit(harness, gateway, OTHER_KEY, 1);
      JsonObject listed = waitCompleted(harness, gateway, mine);

      String cookie = signIn(gateway, TEAM_KEY);
      HttpResponse<String> page = page(gateway, "/dashboard/teams/makers", cookie);
      assertEquals(200, page.statusCode());
      String html = page.body();
      int row = html.indexOf("<tr class=\"batch\" id=\"batch-" + mine + "\">");
      assertTrue(row > 0, html);
      String line = html.substring(row, html.indexOf("</tr>", row));
      assertTrue(line.contains("<td class=\"state\">completed</td>"), line);
      assertTrue(line.contains("<td class=\"num\">3</td>"), "three lines: " + line);
      assertTrue(line.contains("<td class=\"num succeeded\">3</td>"), line);
      assertTrue(line.contains("<td class=\"num queued\">0</td>"), line);
      assertEquals("0.09", listed.getString("cost_usd"), "the API's cost so far");
      assertTrue(line.contains("<td class=\"num cost\">$0.09</td>"), "the same cost on the page: " + line);
      assertFalse(html.contains(theirs), "another team's batch is not on this team's page");
    }
  }

  private static String submit(GatewayHarness harness, Gateway gateway, String key, int lines) {
    StringBuilder jsonl = new StringBuilder();
    for (int i = 1; i <= lines; i++) {
      jsonl.append(new JsonObject().put("custom_id", "l" + i).put("endpoint", "/v1/ideogram-v3/generate")
          .put("body", new JsonObject().put("prompt", "a kite " + i).put("rendering_speed", "TURBO")).encode())
          .append('\n');
    }
    Reply reply = await(harness.http.send(HttpMethod.POST, gateway.port(), "/v1/batches",
        Map.of("Api-Key", key, "Content-Type", "application/jsonl"), Buffer.buffer(jsonl.toString())));
    assertEquals(201, reply.status(), reply.toString());
    return reply.json().getString("id");
  }

  private static JsonObject waitCompleted(GatewayHarness harness, Gateway gateway, String id) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject list = await(harness.http.get(gateway.port(), "/v1/batches", TEAM_KEY)).json();
      for (Object o : list.getJsonArray("data")) {
        JsonObject batch = (JsonObject) o;
        if (batch.getString("id").equals(id) && batch.getString("state").equals("completed")) {
          return batch;
        }
      }
      await(harness.clientVertx.timer(50));
    }
    throw new AssertionError("batch " + id + " did not complete");
  }
}
