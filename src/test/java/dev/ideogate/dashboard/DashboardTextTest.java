package dev.ideogate.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.budget.DaySpend;
import dev.ideogate.policy.InMemorySessionStore;
import dev.ideogate.policy.SessionStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The dashboard's pure parts: escaping, money, times, sessions, chart text and histogram percentiles. */
class DashboardTextTest {

  @Test
  void everyCharacterThatOpensMarkupIsEscaped() {
    assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;",
        Html.esc("<script>alert('x')</script> & \"q\""));
    assertEquals("", Html.esc(null));
    String chart = Charts.dailySpend(List.of(new DaySpend("2026-12-01", 1_000_000, 1)), 5_000_000);
    assertFalse(chart.contains("<script"), chart);
  }

  @Test
  void moneyIsDollarsAndCentsRoundedHalfUp() {
    assertEquals("$12.35", Html.usd(12_345_000));
    assertEquals("$0.00", Html.usd(0));
    assertEquals("$0.01", Html.usd(5_000));
    assertEquals("$1000.00", Html.usd(1_000_000_000));
  }

  @Test
  void timesAreInTheBudgetsZone() {
    Instant noonUtc = Instant.parse("2026-07-01T12:00:00Z");
    assertEquals("2026-07-01 14:00 CEST", Html.time(noonUtc, ZoneId.of("Europe/Zurich")));
    assertEquals("never", Html.time(null, ZoneId.of("UTC")));
  }

  @Test
  void aSessionEndsWhenIdleTooLongOrTooOldAndItsTokensAreUnguessable() {
    MovableClock clock = new MovableClock();
    InMemorySessionStore sessions = new InMemorySessionStore(clock, Duration.ofMinutes(30), Duration.ofHours(8), 2);
    SessionStore.Session first = sessions.start("alpha-key", null).result();
    assertEquals(43, first.id().length());
    assertNotEquals(first.id(), first.csrf());
    assertTrue(first.csrfMatches(first.csrf()));
    assertFalse(first.csrfMatches(first.id()));
    assertFalse(first.csrfMatches(null));

    clock.advance(Duration.ofMinutes(29));
    assertTrue(sessions.touch(first.id()).result().isPresent(), "a page within the idle time keeps the session");
    clock.advance(Duration.ofMinutes(29));
    assertTrue(sessions.touch(first.id()).result().isPresent());
    clock.advance(Duration.ofMinutes(30));
    assertTrue(sessions.touch(first.id()).result().isEmpty(), "30 idle minutes end it");

    SessionStore.Session busy = sessions.start("beta-key", null).result();
    for (int i = 0; i < 17; i++) {
      clock.advance(Duration.ofMinutes(29));
      sessions.touch(busy.id()).result();
    }
    assertTrue(sessions.touch(busy.id()).result().isEmpty(), "8 hours after sign-in it ends however busy");
  }

  @Test
  void sessionsAreBoundedTheOldestGoesFirst() {
    MovableClock clock = new MovableClock();
    InMemorySessionStore sessions = new InMemorySessionStore(clock, Duration.ofMinutes(30), Duration.ofHours(8), 2);
    SessionStore.Session a = sessions.start("a", null).result();
    clock.advance(Duration.ofSeconds(1));
    SessionStore.Session b = sessions.start("b", null).result();
    clock.advance(Duration.ofSeconds(1));
    sessions.start("c", null).result();
    assertEquals(2, sessions.size());
    assertTrue(sessions.touch(a.id()).result().isEmpty());
    assertTrue(sessions.touch(b.id()).result().isPresent());
  }

  @Test
  void percentileIsTheFirstBucketReachingTheRank() {
    Map<Double, Double> cumulative = new TreeMap<>(Map.of(1.0, 90.0, 10.0, 99.0, 100.0, 100.0));
    assertEquals(1.0, LaneMetrics.percentile(cumulative, 100, 0.50));
    assertEquals(10.0, LaneMetrics.percentile(cumulative, 100, 0.99));
    assertEquals(100.0, LaneMetrics.percentile(cumulative, 100, 1.0));
    assertTrue(Double.isNaN(LaneMetrics.percentile(cumulative, 0, 0.5)));
  }

  @Test
  void queueWaitMergesTheHistogramsOfTheLanesTeams() {
    var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    var metrics = new dev.ideogate.ops.GatewayMetrics(registry);
    for (int i = 0; i < 98; i++) {
      metrics.dequeued("alpha", 1);
    }
    metrics.dequeued("beta", 2_000);
    metrics.dequeued("beta", 2_000);
    metrics.dequeued("other-lane-team", 60_000);

    LaneMetrics.Wait wait = LaneMetrics.queueWait(registry, List.of("alpha", "beta"));

    assertEquals(100, wait.count());
    // the bounds of the queue wait buckets (ARCHITECTURE.md §9) that hold the 50th and 99th waits
    assertEquals(5.0, wait.p50Ms(), "p50");
    assertEquals(2_500.0, wait.p99Ms(), "p99");
  }

  @Test
  void aBatchRowShowsItsStateCountsCostAndEtaEscaped() {
    io.vertx.core.json.JsonObject running = new io.vertx.core.json.JsonObject().put("id", "batch_<b>")
        .put("state", "running").put("lines", 10).put("cost_usd", "0.15").put("created_at", 1_780_000_000L)
        .put("eta_seconds", 300L).put("counts", new io.vertx.core.json.JsonObject().put("queued", 4).put("running", 1)
            .put("succeeded", 5));
    String html = Pages.batches(new io.vertx.core.json.JsonArray().add(running), ZoneId.of("UTC"));
    assertTrue(html.contains("<code>batch_&lt;b&gt;</code>"), html);
    assertFalse(html.contains("<b>"), html);
    assertTrue(html.contains("<td class=\"num queued\">4</td><td class=\"num running\">1</td>"
        + "<td class=\"num succeeded\">5</td>"), html);
    assertTrue(html.contains("<td class=\"num cost\">$0.15</td><td class=\"eta\">about 5 min</td>"), html);
    assertEquals("45 s", Pages.eta(new io.vertx.core.json.JsonObject().put("eta_seconds", 45L), ZoneId.of("UTC")));
    assertEquals("—", Pages.eta(new io.vertx.core.json.JsonObject().put("state", "completed"), ZoneId.of("UTC")));
    assertEquals("paused until 2026-05-28 20:26 UTC", Pages.eta(new io.vertx.core.json.JsonObject()
        .put("state", "paused").put("paused_until", 1_780_000_000L), ZoneId.of("UTC")));
    assertTrue(Pages.batches(new io.vertx.core.json.JsonArray(), ZoneId.of("UTC")).contains("No batch"));
  }
}
