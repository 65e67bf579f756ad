package dev.ideogate.ops;

import static dev.ideogate.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.Gateway;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.ConfigWatcher;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload through a Kubernetes-style ConfigMap mount: {@code ideogate.yaml → ..data/ideogate.yaml}, and an
 * update swaps the {@code ..data} symlink atomically. A new client key (the old one still valid) and a lower
 * budget apply without a restart; a broken version is rejected with one ERROR line and the running config stays;
 * a rotated upstream key file moves the team to its new key.
 */
class ConfigReloadTest {
  @TempDir Path dir;
  private final LogCapture logs = LogCapture.attach();
  private OpsFixture fixture;
  private Gateway gateway;
  private ConfigWatcher watcher;
  private int version;

  @BeforeEach
  void start() {
    fixture = new OpsFixture();
  }

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.stop();
    }
    fixture.close();
    logs.close();
  }

  /** Writes a new ..N directory and swaps ..data to it in one rename, as the kubelet does. */
  private void publish(String yaml) throws IOException {
    Path versionDir = dir.resolve("..v" + (++version));
    Files.createDirectory(versionDir);
    Files.writeString(versionDir.resolve("ideogate.yaml"), yaml, StandardCharsets.UTF_8);
    Path tmpLink = dir.resolve("..data_tmp");
    Files.createSymbolicLink(tmpLink, versionDir.getFileName());
    Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Path visible = dir.resolve("ideogate.yaml");
    if (!Files.exists(visible, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(visible, Path.of("..data", "ideogate.yaml"));
    }
  }

  private void startWatching(String yaml) throws IOException {
    publish(yaml);
    Path file = dir.resolve("ideogate.yaml");
    var config = ConfigLoader.load(file, name -> null);
    gateway = fixture.startGateway(config);
    watcher = ConfigWatcher.start(fixture.vertx, file, name -> null, 100, config, gateway::reload,
        gateway.metrics().configOutcomes());
  }


  @Test
  void appliesANewClientKeyAndALowerBudgetWithoutRestart() throws IOException {
    String oldKey = fixture.newClientKey();
    String newKey = fixture.newClientKey();
    String upstream = fixture.newUpstreamKey("alpha");
    String header = fixture.header(null, 2) + "teams:\n";
    startWatching(header + OpsFixture.team("alpha", upstream, "20", "allow", Map.of("alpha-2026-01", oldKey)));
    assertEquals(200, fixture.generate(gateway, oldKey, "V_2_TURBO").statusCode());
    assertEquals(401, fixture.generate(gateway, newKey, "V_2_TURBO").statusCode());

    Map<String, String> bothKeys = new LinkedHashMap<>();
    bothKeys.put("alpha-2026-01", oldKey);
    bothKeys.put("alpha-2026-02", newKey);
    publish(header + OpsFixture.team("alpha", upstream, "0.12", "allow", bothKeys));
    until("the reload applies", Duration.ofSeconds(5), () -> gateway.settings().config().team("alpha").dailyBudgetMicroUsd() == 120_000);

    assertEquals(200, fixture.generate(gateway, newKey, "V_2_TURBO").statusCode(), "the new key works: 0.10 ≤ 0.12");
    var refused = fixture.generate(gateway, oldKey, "V_2_TURBO");
    assertEquals(402, refused.statusCode(), "the old key still authenticates, and the lower budget applies");
    assertEquals("budget_exceeded", refused.bodyAsJsonObject().getString("code"));
    JsonObject usage = fixture.clientGet(gateway, "/v1/usage", newKey).bodyAsJsonObject();
    assertEquals("0.12", usage.getJsonArray("windows").getJsonObject(0).getString("budget_usd"));
    assertEquals(1, logs.audit().stream().filter(l -> "config.reload".equals(l.getString("action"))).count());
    logs.assertNoSecrets(fixture.secrets);
  }

  @Test
  void rejectsABrokenFileWithOneErrorLineAndKeepsTheRunningConfig() throws IOException {
    String key = fixture.newClientKey();
    String header = fixture.header(null, 2) + "teams:\n";
    String team = OpsFixture.team("alpha", fixture.newUpstreamKey("alpha"), "20", "allow", Map.of("alpha-app", key));
    startWatching(header + team);

    publish(header + team.replace("dailyBudgetUsd", "dailyBudgetUsdd"));
    until("the broken version is reported", Duration.ofSeconds(5), () -> errorLines().size() == 1);
    sleepPolls(5);
    List<JsonObject> errors = errorLines();
    assertEquals(1, errors.size(), "one ERROR line, not one per poll");
    assertTrue(errors.get(0).getString("message").contains("dailyBudgetUsdd"), errors.get(0).encode());
    assertEquals(20_000_000, gateway.settings().config().team("alpha").dailyBudgetMicroUsd());
    assertEquals(200, fixture.generate(gateway, key, "V_2_TURBO").statusCode(), "the old config still serves");
    PrometheusText failing = new PrometheusText(gateway.metrics().scrape());
    assertEquals(0.0, failing.value("ideogate_config_last_reload_successful"), "the alert's signal");
    assertEquals(1.0, failing.value("ideogate_config_reloads_total", "result", "failure"));
    assertEquals(200, fixture.management(gateway, "/health/ready", null, null).statusCode(),
        "the running config still serves: an invalid file alerts, it does not take the replica out");

    publish(header + team.replace("dailyBudgetUsd: \"20\"", "dailyBudgetUsd: \"30\""));
    // The config is swapped in before the reload is counted: wait for both, as a scrape a moment later would see.
    until("a fixed version applies", Duration.ofSeconds(5),
        () -> gateway.settings().config().team("alpha").dailyBudgetMicroUsd() == 30_000_000
            && new PrometheusText(gateway.metrics().scrape()).value("ideogate_config_last_reload_successful") == 1.0);
    PrometheusText fixed = new PrometheusText(gateway.metrics().scrape());
    assertEquals(1.0, fixed.value("ideogate_config_last_reload_successful"));
    assertEquals(1.0, fixed.value("ideogate_config_reloads_total", "result", "success"));
  }

  /**
   * Adding a team is a config change plus a key in the mounted Secret, nothing else (ARCHITECTURE.md §4): a new
   * file in the secret directory, a new entry naming it, the reload, and the new team's request succeeds.
   */
  @Test
  void addsATeamWithAConfigEntryAndASecretFileOnly() throws IOException {
    Path secrets = Files.createDirectory(dir.resolve("upstream-keys"));
    String alphaKey = fixture.newClientKey();
    Files.writeString(secrets.resolve("alpha"), fixture.newUpstreamKey("alpha") + "\n");
    String header = fixture.header(null, 2) + "teams:\n";
    String alpha = OpsFixture.team("alpha", "unused", "20", "allow", Map.of("alpha-app", alphaKey))
        .replace("upstreamKey: \"unused\"", "upstreamKeyFile: \"" + secrets.resolve("alpha") + "\"");
    startWatching(header + alpha);

    String deltaKey = fixture.newClientKey();
    String deltaUpstream = fixture.newUpstreamKey("delta");
    Files.writeString(secrets.resolve("delta"), deltaUpstream + "\n");
    String delta = OpsFixture.team("delta", "unused", "5", "allow", Map.of("delta-app", deltaKey))
        .replace("upstreamKey: \"unused\"", "upstreamKeyFile: \"" + secrets.resolve("delta") + "\"");
    assertEquals(401, fixture.generate(gateway, deltaKey, "V_2_TURBO").statusCode());
    publish(header + alpha + delta);
    until("the new team is loaded", Duration.ofSeconds(5), () -> gateway.settings().config().team("delta") != null);

    assertEquals(200, fixture.generate(gateway, deltaKey, "V_2_TURBO").statusCode());
    assertEquals(1, fixture.simulator.stats(KeyFingerprint.of(deltaUpstream)).requests(),
        "the new team's calls go out on its own upstream key");
    assertEquals(200, fixture.generate(gateway, alphaKey, "V_2_TURBO").statusCode());
    logs.assertNoSecrets(fixture.secrets);
  }

  @Test
  void rereadsARotatedUpstreamKeyFile() throws IOException {
    String key = fixture.newClientKey();
    String first = fixture.newUpstreamKey("alpha");
    String second = fixture.newUpstreamKey("alpha");
    Path keyFile = dir.resolve("ideogram-key-alpha");
    Files.writeString(keyFile, first + "\n");
    String yaml = fixture.header(null, 2) + "teams:\n"
        + OpsFixture.team("alpha", "unused", "20", "allow", Map.of("alpha-app", key))
            .replace("upstreamKey: \"unused\"", "upstreamKeyFile: \"" + keyFile + "\"");
    startWatching(yaml);
    assertEquals(200, fixture.generate(gateway, key, "V_2_TURBO").statusCode());

    Files.writeString(dir.resolve("key.tmp"), second + "\n");
    Files.move(dir.resolve("key.tmp"), keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    until("the new key is read", Duration.ofSeconds(5), () -> second.equals(gateway.settings().config().team("alpha").upstreamKey()));
    assertEquals(200, fixture.generate(gateway, key, "V_2_TURBO").statusCode());
    assertEquals(1, fixture.simulator.stats(KeyFingerprint.of(first)).requests());
    assertEquals(1, fixture.simulator.stats(KeyFingerprint.of(second)).requests());
    logs.assertNoSecrets(fixture.secrets);
  }

  private List<JsonObject> errorLines() {
    return logs.json().stream()
        .filter(l -> "ERROR".equals(l.getString("level")) && l.getString("logger").endsWith("ConfigWatcher"))
        .toList();
  }

  private static void sleepPolls(int polls) {
    try {
      Thread.sleep(polls * 100L + 50);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
