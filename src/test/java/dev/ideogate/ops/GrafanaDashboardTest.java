package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard (k8s/components/monitoring, shipped as a sidecar ConfigMap) queries only the metrics of
 * ARCHITECTURE.md §9, through its data source variable, each within the chosen namespace and job.
 */
class GrafanaDashboardTest {

  /** ARCHITECTURE.md §9, as Prometheus names them (counters end in _total, histograms are read through _bucket). */
  private static final Set<String> DESIGNED_METRICS = Set.of(
      "ideogate_requests_total", "ideogate_request_duration_seconds_bucket", "ideogate_upstream_inflight",
      "ideogate_lane_limit", "ideogate_queue_depth", "ideogate_queue_wait_seconds_bucket",
      "ideogate_upstream_responses_total", "ideogate_upstream_retries_total", "ideogate_budget_spent_usd",
      "ideogate_budget_limit_usd", "ideogate_budget_held_usd", "ideogate_holds_expired_total",
      "ideogate_upstream_duration_seconds_bucket", "ideogate_spend_usd_total",
      "ideogate_redis_script_duration_seconds_bucket", "ideogate_redis_script_errors_total",
      "ideogate_webhook_deliveries_total", "ideogate_webhook_dead_letters_total",
      "ideogate_config_last_reload_successful", "ideogate_budget_store_up", "ideogate_fail_open_active",
      "ideogate_build_info");
  private static final Pattern SELECTOR = Pattern.compile("(ideogate_[a-z_]+)(\\{[^}]*})?");
  private static final Pattern METRIC = Pattern.compile("ideogate_[a-z_]+");
  private static final Pattern QUANTILE_OF = Pattern.compile("histogram_quantile\\([^,]+,\\s*sum by \\(([^)]*)\\) "
      + "\\(rate\\((ideogate_[a-z_]+)");

  private static JsonNode dashboard;
  private static List<JsonNode> panels;

  @BeforeAll
  static void readDashboard() throws IOException {
    dashboard = new ObjectMapper().readTree(K8sManifests.projectRoot()
        .resolve("k8s/components/monitoring/grafana-dashboard.json").toFile());
    panels = new ArrayList<>();
    dashboard.path("panels").forEach(p -> {
      if (!p.path("type").asText().equals("row")) panels.add(p);
    });
  }

  @Test
  void dataSourceIsAVariableThatEveryQueryUses() {
    JsonNode variable = dashboard.path("templating").path("list").get(0);
    assertEquals("datasource", variable.path("name").asText());
    assertEquals("datasource", variable.path("type").asText());
    assertEquals("prometheus", variable.path("query").asText());
    dashboard.path("templating").path("list").forEach(v -> {
      if (v.path("type").asText().equals("query")) {
        assertEquals("${datasource}", v.path("datasource").path("uid").asText(), "variable " + v.path("name"));
      }
    });
    for (JsonNode panel : panels) {
      assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), panel.path("title").asText());
      panel.path("targets").forEach(t ->
          assertEquals("${datasource}", t.path("datasource").path("uid").asText(), panel.path("title").asText()));
    }
  }

  @Test
  void hasDatasourceNamespaceJobAndTeamVariablesAndEveryQueryStaysInTheNamespaceAndJob() {
    List<String> names = new ArrayList<>();
    dashboard.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
    assertEquals(List.of("datasource", "namespace", "job", "team"), names.subList(0, 4));
    for (String expr : expressions()) {
      Matcher m = SELECTOR.matcher(expr);
      while (m.find()) {
        String selector = m.group(2) == null ? "" : m.group(2);
        assertTrue(selector.contains("namespace=~\"$namespace\"") && selector.contains("job=~\"$job\""),
            "dev and prod would mix: " + expr);
      }
    }
  }

  /** The sidecar loads ConfigMaps labelled grafana_dashboard: "1"; the component generates one from this file. */
  @Test
  void shipsAsAConfigMapWithTheGrafanaSidecarLabel() throws IOException {
    JsonNode kustomization = K8sManifests.YAML.readTree(K8sManifests.projectRoot()
        .resolve("k8s/components/monitoring/kustomization.yaml").toFile());
    JsonNode generator = kustomization.path("configMapGenerator").get(0);
    assertEquals("1", generator.path("options").path("labels").path("grafana_dashboard").asText());
    assertTrue(generator.path("files").get(0).asText().endsWith("=grafana-dashboard.json"));
  }

  @Test
  void queriesNameOnlyDesignedMetricsAndCoverEachOne() {
    Set<String> used = new TreeSet<>();
    for (String expr : expressions()) {
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        assertTrue(DESIGNED_METRICS.contains(m.group()), "not a ARCHITECTURE.md §9 metric: " + m.group() + " in " + expr);
        used.add(m.group());
      }
    }
    assertEquals(new TreeSet<>(DESIGNED_METRICS), used);
    assertTrue(expressions().stream().anyMatch(e -> e.contains("ideogate_upstream_responses_total{")
        && e.contains("status=\"429\"")), "no panel for upstream 429s");
  }

  @Test
  void quantilesAreTakenOverBucketsKeepingLe() {
    int quantiles = 0;
    for (String expr : expressions()) {
      Matcher m = QUANTILE_OF.matcher(expr);
      while (m.find()) {
        assertTrue(m.group(2).endsWith("_bucket"), expr);
        assertTrue(List.of(m.group(1).split(",\\s*")).contains("le"), "le summed away in " + expr);
        quantiles++;
      }
      assertEquals(count(expr, "histogram_quantile"), countMatches(QUANTILE_OF, expr), "unrecognised shape: " + expr);
    }
    assertTrue(quantiles >= 4, "expected p50 and p99 of queue wait and request duration");
  }

  @Test
  void panelsHaveUniqueIdsAndDoNotOverlap() {
    Set<Integer> ids = new HashSet<>();
    List<int[]> boxes = new ArrayList<>();
    dashboard.path("panels").forEach(p -> {
      assertTrue(ids.add(p.path("id").asInt()), "duplicate panel id " + p.path("id"));
      JsonNode g = p.path("gridPos");
      int[] box = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
      assertTrue(box[0] + box[2] <= 24, p.path("title") + " is wider than the grid");
      for (int[] other : boxes) {
        boolean apart = box[0] + box[2] <= other[0] || other[0] + other[2] <= box[0]
            || box[1] + box[3] <= other[1] || other[1] + other[3] <= box[1];
        assertTrue(apart, p.path("title") + " overlaps another panel");
      }
      boxes.add(box);
    });
  }

  private static List<String> expressions() {
    List<String> exprs = new ArrayList<>();
    panels.forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    return exprs;
  }

  private static int count(String text, String word) {
    return text.split(Pattern.quote(word), -1).length - 1;
  }

  private static int countMatches(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    int n = 0;
    while (m.find()) n++;
    return n;
  }
}
