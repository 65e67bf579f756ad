package dev.ideogate.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The YAML under k8s/, read the way the tests need it: Kustomization files as plain trees (they are kustomize's,
 * not the API server's), everything else as typed fabric8 objects. Typed parsing is lenient (an unknown field
 * lands in additionalProperties), so {@link #unknownFields} walks each object to catch what the API server's
 * strict field validation would reject.
 */
final class K8sManifests {

  static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  /** fabric8's Kubernetes model (Gateway API included) and its Prometheus Operator model (ServiceMonitor, …). */
  private static final List<String> MODEL_PACKAGES =
      List.of("io.fabric8.kubernetes.api.model", "io.fabric8.openshift.api.model.monitoring");

  /** One YAML document of a manifest file, raw and typed. */
  record Manifest(Path file, JsonNode raw, KubernetesResource typed) {
    String kind() {
      return raw.path("kind").asText();
    }

    String name() {
      return raw.path("metadata").path("name").asText();
    }

    <T> T as(Class<T> type) {
      return type.cast(typed);
    }
  }

  private K8sManifests() {}

  static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("pom.xml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no pom.xml above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean isKustomization(Path file) {
    return file.getFileName().toString().startsWith("kustomization.");
  }

  /** An overlay's gateway config (ideogate.yaml), the content of its ConfigMap rather than a manifest. */
  static boolean isGatewayConfig(Path file) {
    return file.getFileName().toString().equals("ideogate.yaml");
  }

  static List<JsonNode> documents(Path file) {
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      return docs.readAll().stream().filter(d -> d != null && !d.isNull() && !d.isMissingNode()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Every document of a non-Kustomization file, typed; fails on a kind fabric8 does not know. */
  static List<Manifest> parse(Path file) {
    List<Manifest> manifests = new ArrayList<>();
    for (JsonNode doc : documents(file)) {
      KubernetesResource typed = SERIALIZATION.unmarshal(doc.toString());
      if (typed instanceof GenericKubernetesResource || !(typed instanceof HasMetadata)) {
        throw new AssertionError(file + ": " + doc.path("apiVersion").asText() + "/" + doc.path("kind").asText()
            + " is not a known Kubernetes kind");
      }
      manifests.add(new Manifest(file, doc, typed));
    }
    return manifests;
  }

  static Manifest only(Path file, String kind) {
    List<Manifest> found = parse(file).stream().filter(m -> m.kind().equals(kind)).toList();
    if (found.size() != 1) {
      throw new AssertionError(file + ": expected one " + kind + ", found " + found.size());
    }
    return found.get(0);
  }

  /** Paths (like "spec.template.spec.containers.securityContext.readOnlyRootFilesystm") of unknown fields. */
  static List<String> unknownFields(Object object) {
    List<String> found = new ArrayList<>();
    collectUnknown(object, "", found);
    return found;
  }

  private static void collectUnknown(Object value, String path, List<String> found) {
    if (value instanceof Collection<?> items) {
      items.forEach(item -> collectUnknown(item, path, found));
      return;
    }
    if (value == null || MODEL_PACKAGES.stream().noneMatch(value.getClass().getName()::startsWith)) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object child = invoke(getter, value);
      String name = getter.getName().substring(3);
      if (name.equals("AdditionalProperties") && child instanceof Map<?, ?> extra) {
        // `$patch: delete` is kustomize's strategic-merge directive, not a field.
        extra.keySet().stream().filter(k -> !"$patch".equals(k)).forEach(k -> found.add(path + k));
      } else {
        collectUnknown(child, path + Character.toLowerCase(name.charAt(0)) + name.substring(1) + ".", found);
      }
    }
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(getter + " failed", e);
    }
  }
}
