package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl kustomize} renders every overlay with and without the monitoring component (a copy of k8s/ with the
 * overlay's {@code components:} toggled), and with the public callback route; the monitoring objects appear exactly
 * when the component is in, and everything lands in the overlay's namespace.
 */
class KustomizeRenderTest {
  private static final Path K8S = K8sManifests.projectRoot().resolve("k8s");
  private static final String MONITORING = "../../components/monitoring";
  private static final String CALLBACKS = "../../components/public-callbacks";
  private static final Set<String> MONITORING_KINDS = Set.of("ServiceMonitor", "PrometheusRule");
  private final ExternalTool kubectl = ExternalTool.require("kubectl", "kubectl");

  @Test
  void rendersEveryOverlayWithAndWithoutMonitoring(@TempDir Path tmp) throws IOException {
    copyTree(K8S, tmp);
    for (String overlay : List.of("dev", "staging", "prod")) {
      Path kustomization = tmp.resolve("overlays/" + overlay + "/kustomization.yaml");
      String shipped = Files.readString(kustomization);
      boolean shippedWithMonitoring = shipped.contains("  - " + MONITORING);
      assertEquals(!overlay.equals("dev"), shippedWithMonitoring, overlay + ": monitoring in staging and prod");

      assertRendered(overlay, render(tmp, overlay), shippedWithMonitoring, false);
      Files.writeString(kustomization, shippedWithMonitoring
          ? shipped.replace("  - " + MONITORING + "\n", "")
          : shipped + "\ncomponents:\n  - " + MONITORING + "\n");
      assertRendered(overlay, render(tmp, overlay), !shippedWithMonitoring, false);

      Files.writeString(kustomization, shippedWithMonitoring
          ? shipped.replace("  # - " + CALLBACKS, "  - " + CALLBACKS)
          : shipped + "\ncomponents:\n  - " + CALLBACKS + "\n");
      assertRendered(overlay, render(tmp, overlay), shippedWithMonitoring, true);
      Files.writeString(kustomization, shipped);
    }
  }

  private List<JsonNode> render(Path k8s, String overlay) throws IOException {
    ExternalTool.Result result = kubectl.run(k8s, "kustomize", "overlays/" + overlay);
    assertEquals(0, result.exitCode(), "kubectl kustomize overlays/" + overlay + ":\n" + result.output());
    try (MappingIterator<JsonNode> docs = K8sManifests.YAML.readerFor(JsonNode.class).readValues(result.output())) {
      return docs.readAll().stream().filter(d -> d != null && !d.isNull()).toList();
    }
  }

  private static void assertRendered(String overlay, List<JsonNode> objects, boolean monitoring, boolean callbacks) {
    Set<String> kinds = new TreeSet<>();
    objects.forEach(o -> kinds.add(o.path("kind").asText()));
    assertTrue(kinds.containsAll(Set.of("Deployment", "Service", "ConfigMap", "NetworkPolicy")), overlay + kinds);
    assertEquals(monitoring, kinds.containsAll(MONITORING_KINDS), overlay + " monitoring=" + monitoring + ": " + kinds);
    assertEquals(monitoring, kinds.contains("ServiceMonitor"), overlay + ": " + kinds);
    boolean dashboard = objects.stream().anyMatch(o -> o.path("kind").asText().equals("ConfigMap")
        && "1".equals(o.path("metadata").path("labels").path("grafana_dashboard").asText()));
    assertEquals(monitoring, dashboard, overlay + ": the Grafana dashboard ConfigMap");
    assertEquals(callbacks, kinds.contains("HTTPRoute"), overlay + ": " + kinds);
    for (JsonNode object : objects) {
      if (!object.path("kind").asText().equals("Namespace")) {
        assertEquals("ideogate-" + overlay, object.path("metadata").path("namespace").asText(),
            object.path("kind").asText() + "/" + object.path("metadata").path("name").asText());
      }
      if (object.path("kind").asText().equals("HTTPRoute")) {
        assertEquals("gateway-system", object.path("spec").path("parentRefs").get(0).path("namespace").asText());
      }
    }
    JsonNode deployment = objects.stream().filter(o -> o.path("kind").asText().equals("Deployment")
        && o.path("metadata").path("name").asText().equals("ideogate")).findFirst().orElseThrow();
    String configMap = "";
    for (JsonNode volume : deployment.path("spec").path("template").path("spec").path("volumes")) {
      if (volume.path("name").asText().equals("config")) {
        configMap = volume.path("configMap").path("name").asText();
      }
    }
    assertTrue(configMap.matches("ideogate-config-[a-z0-9]{10}"), overlay + ": config map with its hash, " + configMap);
    assertFalse(deployment.toString().contains("IDEOGRAM_KEY_"), overlay + ": upstream keys are files, not env vars");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }
}
