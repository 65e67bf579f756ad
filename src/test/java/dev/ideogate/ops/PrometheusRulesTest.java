package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PrometheusRule's alerts (ARCHITECTURE.md §9): each carries a severity and its runbook; promtool accepts the rules
 * and its unit tests (src/test/resources/promtool/ideogate-rules-test.yaml) pass, one story per alert.
 */
class PrometheusRulesTest {
  private static final Path ROOT = K8sManifests.projectRoot();
  private static final Path RULE = ROOT.resolve("k8s/components/monitoring/prometheusrule.yaml");
  private static final Path UNIT_TESTS = ROOT.resolve("src/test/resources/promtool/ideogate-rules-test.yaml");
  private static final Set<String> ALERTS = Set.of("IdeogateBudgetHigh", "IdeogateBudgetExhausted",
      "IdeogateBudgetStoreUnavailable", "IdeogateFailOpenActive", "IdeogateQueueWaitHigh", "IdeogateUpstream429Rate",
      "IdeogateLaneSaturated", "IdeogateHoldsExpiring", "IdeogateWebhookDeadLetters", "IdeogateConfigReloadFailing",
      "IdeogatePodsNotReady");
  private final ExternalTool promtool = ExternalTool.require("promtool", "prometheus");

  @Test
  void everyAlertHasASeverityASummaryADescriptionAndARunbook() {
    Set<String> names = new TreeSet<>();
    for (JsonNode rule : rules(spec())) {
      String name = rule.path("alert").asText();
      names.add(name);
      assertTrue(List.of("warning", "critical").contains(rule.path("labels").path("severity").asText()), name);
      for (String annotation : List.of("summary", "description", "runbook")) {
        assertTrue(rule.path("annotations").path(annotation).asText().length() > 20, name + " lacks " + annotation);
      }
    }
    assertEquals(new TreeSet<>(ALERTS), names);
  }

  @Test
  void promtoolAcceptsTheRulesAndTheirUnitTestsPass(@TempDir Path dir) throws IOException {
    JsonNode spec = spec();
    Files.writeString(dir.resolve("full-rules.yaml"), K8sManifests.YAML.writeValueAsString(spec));
    ExternalTool.Result check = promtool.run(dir, "check", "rules", "full-rules.yaml");
    assertEquals(0, check.exitCode(), check.output());

    // promtool compares annotations whole; the unit tests are about when an alert fires and with which labels.
    rules(spec).forEach(rule -> ((ObjectNode) rule).remove("annotations"));
    Files.writeString(dir.resolve("rules.yaml"), K8sManifests.YAML.writeValueAsString(spec));
    String tests = Files.readString(UNIT_TESTS);
    for (String alert : ALERTS) {
      assertTrue(tests.contains("alertname: " + alert + "\n"), "no unit test for " + alert);
    }
    Files.writeString(dir.resolve("ideogate-rules-test.yaml"), tests);
    ExternalTool.Result test = promtool.run(dir, "test", "rules", "ideogate-rules-test.yaml");
    assertEquals(0, test.exitCode(), test.output());
    assertTrue(test.output().contains("SUCCESS"), test.output());
  }

  private static JsonNode spec() {
    return K8sManifests.only(RULE, "PrometheusRule").raw().path("spec").deepCopy();
  }

  private static List<JsonNode> rules(JsonNode spec) {
    List<JsonNode> rules = new java.util.ArrayList<>();
    spec.path("groups").forEach(group -> group.path("rules").forEach(rules::add));
    return rules;
  }
}
