package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ideogate.ops.K8sManifests.Manifest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The manifests under k8s/ agree with Kubernetes' schema, with conf/ideogate.yaml and with each other. */
class KubernetesManifestsTest {

  private static final Path ROOT = K8sManifests.projectRoot();
  private static final Path K8S = ROOT.resolve("k8s");
  private static final Path BASE = K8S.resolve("base");
  private static final Path CONFIG = ROOT.resolve("conf/ideogate.yaml");
  private static final Path CONFIG_COPY = BASE.resolve("ideogate.yaml");
  private static final Path SECRET_TEMPLATE = BASE.resolve("secret-template.yaml");
  private static final List<String> OVERLAYS = List.of("dev", "staging", "prod");
  private static final Set<String> SECRET_KEYS =
      Set.of("IDEOGRAM_KEY_MARKETING", "IDEOGRAM_KEY_PRODUCT", "IDEOGRAM_KEY_SOCIAL", "REDIS_URL");

  @Test
  void everyManifestParsesIntoATypedKubernetesObjectWithoutUnknownFields() {
    int documents = 0;
    for (Path file : K8sManifests.yamlFiles(K8S)) {
      if (K8sManifests.isKustomization(file) || file.equals(CONFIG_COPY)) {
        continue;
      }
      for (Manifest manifest : K8sManifests.parse(file)) {
        assertEquals(List.of(), K8sManifests.unknownFields(manifest.typed()),
            K8S.relativize(file) + " " + manifest.kind() + "/" + manifest.name() + " has unknown fields");
        documents++;
      }
    }
    assertTrue(documents >= 20, "only " + documents + " manifests found under " + K8S);
  }

  @Test
  void deploymentAndServicePortsAreTheConfiguredServerPorts() throws IOException {
    JsonNode server = K8sManifests.YAML.readTree(CONFIG.toFile()).path("server");
    int port = intOr(server.path("port"), 8080);
    int managementPort = intOr(server.path("managementPort"), 9090);
    Container gateway = gateway();
    assertEquals(Map.of("http", port, "management", managementPort), portsByName(gateway));

    Service service = K8sManifests.only(BASE.resolve("service.yaml"), "Service").as(Service.class);
    for (ServicePort servicePort : service.getSpec().getPorts()) {
      assertEquals(portsByName(gateway).get(servicePort.getName()), servicePort.getPort(), servicePort.getName());
      assertEquals(servicePort.getName(), servicePort.getTargetPort().getStrVal());
    }
    assertEquals(String.valueOf(managementPort),
        deployment().getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port"));
  }

  @Test
  void probesAskLiveAndReadyOnTheManagementPort() {
    Container gateway = gateway();
    int managementPort = portsByName(gateway).get("management");
    assertProbe(gateway, gateway.getLivenessProbe().getHttpGet(), "/health/live", managementPort);
    assertProbe(gateway, gateway.getReadinessProbe().getHttpGet(), "/health/ready", managementPort);
    assertProbe(gateway, gateway.getStartupProbe().getHttpGet(), "/health/live", managementPort);
  }

  @Test
  void podRunsAsNonRootWithAReadOnlyRootFilesystemAndNoPrivileges() {
    PodSpec pod = deployment().getSpec().getTemplate().getSpec();
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    assertEquals(10001L, pod.getSecurityContext().getRunAsUser());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertFalse(pod.getAutomountServiceAccountToken());
    SecurityContext container = gateway().getSecurityContext();
    assertTrue(container.getRunAsNonRoot());
    assertTrue(container.getReadOnlyRootFilesystem());
    assertFalse(container.getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), container.getCapabilities().getDrop());
    Volume tmp = volumeMountedAt("/tmp");
    assertTrue(tmp.getEmptyDir() != null, "/tmp must be an emptyDir");
  }

  @Test
  void terminationGraceOutlastsPreStopSleepPlusDrainGrace() throws IOException {
    JsonNode drain = K8sManifests.YAML.readTree(CONFIG.toFile()).path("server").path("drainGrace");
    Duration drainGrace = drain.isMissingNode() ? Duration.ofSeconds(30) : duration(drain.asText());
    List<String> preStop = gateway().getLifecycle().getPreStop().getExec().getCommand();
    assertEquals("sleep", preStop.get(0));
    Duration preStopSleep = Duration.ofSeconds(Long.parseLong(preStop.get(1)));
    long grace = deployment().getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    assertTrue(grace > drainGrace.plus(preStopSleep).toSeconds(),
        "terminationGracePeriodSeconds " + grace + " <= preStop " + preStopSleep + " + drainGrace " + drainGrace);
  }

  @Test
  void secretTemplateHoldsNoValueAndIsNeverApplied() throws IOException {
    Secret template = K8sManifests.only(SECRET_TEMPLATE, "Secret").as(Secret.class);
    Map<String, String> values = new TreeMap<>();
    if (template.getData() != null) values.putAll(template.getData());
    if (template.getStringData() != null) values.putAll(template.getStringData());
    assertEquals(SECRET_KEYS, values.keySet());
    values.forEach((key, value) -> assertTrue(value == null || value.isEmpty(), key + " has a value"));
    for (Path kustomization : kustomizations()) {
      assertFalse(referencedFiles(kustomization).contains(SECRET_TEMPLATE),
          kustomization + " applies the secret template: it would blank the real keys");
    }
    assertEquals(SECRET_KEYS, secretRefs(gateway().getEnv()).keySet());
  }

  @Test
  void eachOverlayReadsItsOwnSecretAndNamesItsEnvironment() throws IOException {
    for (String overlay : OVERLAYS) {
      Container patched = K8sManifests.only(K8S.resolve("overlays/" + overlay + "/deployment-patch.yaml"),
          "Deployment").as(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
      Map<String, String> secrets = secretRefs(patched.getEnv());
      assertEquals(Set.of("ideogate-secrets-" + overlay), new TreeSet<>(secrets.values()), overlay);
      Set<String> expectedKeys = new TreeSet<>(SECRET_KEYS);
      if (overlay.equals("dev")) {
        expectedKeys.remove("REDIS_URL"); // dev's own Redis, set as a plain value
        assertEquals("redis://ideogate-redis:6379", env(patched.getEnv(), "REDIS_URL").getValue());
      }
      assertEquals(expectedKeys, secrets.keySet(), overlay + " leaves a variable on the base secret");
      assertEquals(overlay, env(patched.getEnv(), "IDEOGATE_ENVIRONMENT").getValue());
    }
    JsonNode environment = K8sManifests.YAML.readTree(CONFIG.toFile()).path("environment");
    assertTrue(environment.isMissingNode() || environment.asText().contains("${IDEOGATE_ENVIRONMENT"),
        "conf/ideogate.yaml environment must read ${IDEOGATE_ENVIRONMENT:-dev}, is " + environment);
  }

  @Test
  void kustomizationsReferenceOnlyFilesThatExist() throws IOException {
    List<Path> kustomizations = kustomizations();
    assertEquals(4, kustomizations.size(), kustomizations.toString());
    for (Path kustomization : kustomizations) {
      for (Path referenced : referencedFiles(kustomization)) {
        assertTrue(Files.isRegularFile(referenced)
                || Files.isRegularFile(referenced.resolve("kustomization.yaml")),
            kustomization + " references missing " + referenced);
        assertTrue(referenced.startsWith(K8S), kustomization + " reaches outside k8s/: " + referenced);
      }
    }
  }

  @Test
  void configMapCopyIsByteForByteConfIdeogateYaml() throws IOException {
    assertArrayEquals(Files.readAllBytes(CONFIG), Files.readAllBytes(CONFIG_COPY),
        "k8s/base/ideogate.yaml differs from conf/ideogate.yaml: cp conf/ideogate.yaml k8s/base/ideogate.yaml");
  }

  @Test
  void configArgumentPointsIntoTheMountedConfigMap() throws IOException {
    List<String> args = gateway().getArgs();
    assertEquals("serve", args.get(0));
    Path config = Path.of(args.get(args.indexOf("--config") + 1));
    VolumeMount mount = gateway().getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(config.getParent().toString())).findFirst().orElseThrow();
    assertTrue(mount.getSubPath() == null, "a subPath mount never sees ConfigMap updates (hot reload)");
    String configMap = volumeMountedAt(mount.getMountPath()).getConfigMap().getName();
    JsonNode generator = K8sManifests.YAML.readTree(BASE.resolve("kustomization.yaml").toFile())
        .path("configMapGenerator").get(0);
    assertEquals(configMap, generator.path("name").asText());
    assertEquals(config.getFileName().toString(), generator.path("files").get(0).asText());
  }

  private static Deployment deployment() {
    return K8sManifests.only(BASE.resolve("deployment.yaml"), "Deployment").as(Deployment.class);
  }

  private static Container gateway() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("ideogate")).findFirst().orElseThrow();
  }

  private static Volume volumeMountedAt(String path) {
    String name = gateway().getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path))
        .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + path)).getName();
    return deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
  }

  private static Map<String, Integer> portsByName(Container container) {
    Map<String, Integer> ports = new TreeMap<>();
    for (ContainerPort port : container.getPorts()) {
      ports.put(port.getName(), port.getContainerPort());
    }
    return ports;
  }

  private static void assertProbe(Container container, HTTPGetAction probe, String path, int port) {
    assertEquals(path, probe.getPath());
    IntOrString target = probe.getPort();
    int resolved = target.getIntVal() != null ? target.getIntVal() : portsByName(container).get(target.getStrVal());
    assertEquals(port, resolved, path + " probes port " + target);
  }

  /** env var name to the secret it reads. */
  private static Map<String, String> secretRefs(List<EnvVar> env) {
    Map<String, String> refs = new TreeMap<>();
    for (EnvVar var : env) {
      if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
        assertEquals(var.getName(), var.getValueFrom().getSecretKeyRef().getKey());
        refs.put(var.getName(), var.getValueFrom().getSecretKeyRef().getName());
      }
    }
    return refs;
  }

  private static EnvVar env(List<EnvVar> env, String name) {
    return env.stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name));
  }

  private static List<Path> kustomizations() {
    return K8sManifests.yamlFiles(K8S).stream().filter(K8sManifests::isKustomization).toList();
  }

  /** resources, patches and generator files of one kustomization, resolved against its directory. */
  private static List<Path> referencedFiles(Path kustomization) throws IOException {
    JsonNode root = K8sManifests.YAML.readTree(kustomization.toFile());
    Path dir = kustomization.getParent();
    List<Path> files = new ArrayList<>();
    root.path("resources").forEach(r -> files.add(dir.resolve(r.asText()).normalize()));
    root.path("patches").forEach(p -> {
      if (p.has("path")) files.add(dir.resolve(p.path("path").asText()).normalize());
    });
    for (String generator : List.of("configMapGenerator", "secretGenerator")) {
      StreamSupport.stream(root.path(generator).spliterator(), false)
          .flatMap(g -> StreamSupport.stream(g.path("files").spliterator(), false))
          .map(f -> f.asText().contains("=") ? f.asText().substring(f.asText().indexOf('=') + 1) : f.asText())
          .forEach(f -> files.add(dir.resolve(f).normalize()));
    }
    return files;
  }

  private static int intOr(JsonNode node, int absent) {
    if (node.isMissingNode() || node.isNull()) return absent;
    assertTrue(node.canConvertToInt(), "not a port number: " + node);
    return node.asInt();
  }

  /** The config's duration text: 30s, 500ms, 2m, 1h, or ISO-8601 (PT30S). */
  private static Duration duration(String text) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text.trim());
    if (!m.matches()) return Duration.parse(text.trim());
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }
}
