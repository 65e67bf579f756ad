package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ideogate.async.AsyncServices;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.GatewayConfig;
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
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
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
import org.junit.jupiter.api.io.TempDir;

/** The manifests under k8s/ agree with Kubernetes' schema, with conf/ideogate.yaml and with each other. */
class KubernetesManifestsTest {

  private static final Path ROOT = K8sManifests.projectRoot();
  private static final Path K8S = ROOT.resolve("k8s");
  private static final Path BASE = K8S.resolve("base");
  private static final Path SECRET_TEMPLATE = BASE.resolve("secret-template.yaml");
  private static final List<String> OVERLAYS = List.of("dev", "staging", "prod");
  /** Where the upstream-keys Secret is mounted: one file per team. */
  private static final String KEY_DIR = "/etc/ideogate-keys";

  @Test
  void everyManifestParsesIntoATypedKubernetesObjectWithoutUnknownFields() {
    int documents = 0;
    for (Path file : K8sManifests.yamlFiles(K8S)) {
      if (K8sManifests.isKustomization(file) || K8sManifests.isGatewayConfig(file)) {
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
    Container gateway = gateway();
    for (String overlay : OVERLAYS) {
      JsonNode server = K8sManifests.YAML.readTree(overlayConfig(overlay).toFile()).path("server");
      int port = intOr(server.path("port"), 8080);
      int managementPort = intOr(server.path("managementPort"), 9090);
      assertEquals(Map.of("http", port, "management", managementPort), portsByName(gateway), overlay);
    }

    Service service = K8sManifests.only(BASE.resolve("service.yaml"), "Service").as(Service.class);
    for (ServicePort servicePort : service.getSpec().getPorts()) {
      assertEquals(portsByName(gateway).get(servicePort.getName()), servicePort.getPort(), servicePort.getName());
      assertEquals(servicePort.getName(), servicePort.getTargetPort().getStrVal());
    }
    assertEquals(String.valueOf(portsByName(gateway).get("management")),
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
    JsonNode drain = K8sManifests.YAML.readTree(overlayConfig("prod").toFile()).path("server").path("drainGrace");
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
    Map<String, Set<String>> keysBySecret = new TreeMap<>();
    for (Manifest manifest : K8sManifests.parse(SECRET_TEMPLATE)) {
      Secret template = manifest.as(Secret.class);
      Map<String, String> values = new TreeMap<>();
      if (template.getData() != null) values.putAll(template.getData());
      if (template.getStringData() != null) values.putAll(template.getStringData());
      values.forEach((key, value) -> assertTrue(value == null || value.isEmpty(), key + " has a value"));
      keysBySecret.put(manifest.name(), values.keySet());
    }
    assertEquals(Map.of("ideogate-secrets", Set.of("REDIS_URL"),
        "ideogate-upstream-keys", Set.of("marketing", "product", "social")), keysBySecret);
    for (Path kustomization : kustomizations()) {
      assertFalse(referencedFiles(kustomization).contains(SECRET_TEMPLATE),
          kustomization + " applies the secret template: it would blank the real keys");
    }
    assertEquals(Set.of("REDIS_URL"), secretRefs(gateway().getEnv()).keySet());
    assertEquals("ideogate-upstream-keys", volumeMountedAt(KEY_DIR).getSecret().getSecretName());
  }

  @Test
  void eachOverlayReadsItsOwnSecretsAndNamesItsEnvironment() throws IOException {
    for (String overlay : OVERLAYS) {
      PodSpec pod = K8sManifests.only(K8S.resolve("overlays/" + overlay + "/deployment-patch.yaml"),
          "Deployment").as(Deployment.class).getSpec().getTemplate().getSpec();
      Container patched = pod.getContainers().get(0);
      Map<String, String> secrets = secretRefs(patched.getEnv());
      if (overlay.equals("dev")) {
        assertEquals(Map.of(), secrets, "dev's own Redis, set as a plain value");
        assertEquals("redis://ideogate-redis:6379", env(patched.getEnv(), "REDIS_URL").getValue());
      } else {
        assertEquals(Map.of("REDIS_URL", "ideogate-secrets-" + overlay), secrets, overlay);
      }
      assertEquals(overlay, env(patched.getEnv(), "IDEOGATE_ENVIRONMENT").getValue());
      assertEquals(List.of("ideogate-upstream-keys-" + overlay), pod.getVolumes().stream()
          .filter(v -> v.getName().equals("upstream-keys")).map(v -> v.getSecret().getSecretName()).toList());
      JsonNode environment = K8sManifests.YAML.readTree(overlayConfig(overlay).toFile()).path("environment");
      assertTrue(environment.asText().contains("${IDEOGATE_ENVIRONMENT"),
          overlay + "/ideogate.yaml environment must read ${IDEOGATE_ENVIRONMENT:-dev}, is " + environment);
    }
  }

  /**
   * Every overlay's config is valid and takes each team's upstream key from the mounted Secret, one file named after
   * the team (adding a team: a config entry and a key in the Secret, no Deployment edit); and the environments
   * differ (teams and budgets are per overlay, not one config copied).
   */
  @Test
  void eachOverlaysConfigIsValidAndReadsItsTeamsKeysFromTheMountedSecret(@TempDir Path keys) throws IOException {
    Map<String, Map<String, Long>> budgets = new TreeMap<>();
    for (String overlay : OVERLAYS) {
      String yaml = Files.readString(overlayConfig(overlay));
      JsonNode teams = K8sManifests.YAML.readTree(yaml).path("teams");
      teams.fieldNames().forEachRemaining(team -> {
        assertEquals(KEY_DIR + "/" + team, teams.path(team).path("upstreamKeyFile").asText(), overlay + " " + team);
        write(keys.resolve(team), "ideogram-test-key-" + team + "\n");
      });
      // the overlay's own env: prod declares a mesh (its deployment patch), which the prod guards require
      Map<String, String> env = Map.of("REDIS_URL", "redis://redis:6379", "IDEOGATE_ENVIRONMENT", overlay,
          "IDEOGATE_TLS_TERMINATED_BY_MESH", meshDeclared(overlay));
      GatewayConfig config = ConfigLoader.parse(yaml.replace(KEY_DIR + "/", keys + "/"), env::get);
      assertEquals(overlay, config.environment());
      Map<String, Long> daily = new TreeMap<>();
      config.teams().forEach((id, team) -> daily.put(id, team.dailyBudgetMicroUsd()));
      budgets.put(overlay, daily);
    }
    assertEquals(3, new java.util.HashSet<>(budgets.values()).size(), "overlays share one config: " + budgets);
  }

  /** The value the overlay's deployment patch gives IDEOGATE_TLS_TERMINATED_BY_MESH, "false" when it sets none. */
  private static String meshDeclared(String overlay) throws IOException {
    Path patch = K8S.resolve("overlays/" + overlay + "/deployment-patch.yaml");
    if (!Files.exists(patch)) {
      return "false";
    }
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("name: IDEOGATE_TLS_TERMINATED_BY_MESH\\s+value: \"?(true|false)\"?").matcher(Files.readString(patch));
    return m.find() ? m.group(1) : "false";
  }

  /** A config change applied with `kubectl apply -k` rolls the pods: the generated ConfigMap's name has its hash. */
  @Test
  void eachOverlayGeneratesItsConfigMapWithAContentHash() throws IOException {
    List<String> args = gateway().getArgs();
    assertEquals("serve", args.get(0));
    Path config = Path.of(args.get(args.indexOf("--config") + 1));
    VolumeMount mount = gateway().getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(config.getParent().toString())).findFirst().orElseThrow();
    assertTrue(mount.getSubPath() == null, "a subPath mount never sees ConfigMap updates (hot reload)");
    String configMap = volumeMountedAt(mount.getMountPath()).getConfigMap().getName();
    for (String overlay : OVERLAYS) {
      JsonNode generator = K8sManifests.YAML.readTree(K8S.resolve("overlays/" + overlay + "/kustomization.yaml")
          .toFile()).path("configMapGenerator").get(0);
      assertEquals(configMap, generator.path("name").asText(), overlay);
      assertEquals(config.getFileName().toString(), generator.path("files").get(0).asText(), overlay);
      assertFalse(generator.path("options").path("disableNameSuffixHash").asBoolean(false),
          overlay + ": without the hash a config change never rolls the pods");
    }
  }

  /** Only Ideogram's callback path is public: one exact POST match to the client port. */
  @Test
  void publicRouteExposesOnlyTheCallbackPath() {
    HTTPRoute route = K8sManifests.only(K8S.resolve("components/public-callbacks/httproute.yaml"), "HTTPRoute")
        .as(HTTPRoute.class);
    assertEquals(1, route.getSpec().getRules().size());
    HTTPRouteRule rule = route.getSpec().getRules().get(0);
    assertEquals(1, rule.getMatches().size());
    HTTPRouteMatch match = rule.getMatches().get(0);
    assertEquals("Exact", match.getPath().getType());
    assertEquals(AsyncServices.CALLBACK_PATH, match.getPath().getValue());
    assertEquals("POST", match.getMethod());
    assertEquals("ideogate", rule.getBackendRefs().get(0).getName());
    assertEquals(portsByName(gateway()).get("http"), rule.getBackendRefs().get(0).getPort());
  }

  /** Redis on a port an overlay sets (6379 or 6380); webhooks on any public port, not only 443. */
  @Test
  void networkPolicyLetsWebhooksUseAnyPublicPort() {
    NetworkPolicy policy = K8sManifests.only(BASE.resolve("networkpolicy.yaml"), "NetworkPolicy")
        .as(NetworkPolicy.class);
    var redis = policy.getSpec().getEgress().get(1);
    assertEquals(6379, redis.getPorts().get(0).getPort().getIntVal(), "the overlays' patch path points here");
    var publicEgress = policy.getSpec().getEgress().get(2);
    assertEquals("0.0.0.0/0", publicEgress.getTo().get(0).getIpBlock().getCidr());
    publicEgress.getPorts().forEach(p -> assertTrue(p.getPort() == null, "public egress limited to " + p.getPort()));
  }

  @Test
  void kustomizationsReferenceOnlyFilesThatExist() throws IOException {
    List<Path> kustomizations = kustomizations();
    assertEquals(6, kustomizations.size(), "base, 3 overlays, 2 components: " + kustomizations);
    for (Path kustomization : kustomizations) {
      for (Path referenced : referencedFiles(kustomization)) {
        assertTrue(Files.isRegularFile(referenced)
                || Files.isRegularFile(referenced.resolve("kustomization.yaml")),
            kustomization + " references missing " + referenced);
        assertTrue(referenced.startsWith(K8S), kustomization + " reaches outside k8s/: " + referenced);
      }
    }
  }

  private static Path overlayConfig(String overlay) {
    return K8S.resolve("overlays/" + overlay + "/ideogate.yaml");
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
    root.path("components").forEach(c -> files.add(dir.resolve(c.asText()).normalize()));
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
