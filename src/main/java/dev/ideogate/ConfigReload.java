package dev.ideogate;

import dev.ideogate.api.SecretMasker;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.ingress.GatewaySettings;
import dev.ideogate.ops.AuditLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings every request reads, and the two ways they change without a restart (ARCHITECTURE.md §4): a config
 * reload and an emergency revocation. A request in progress keeps the version it started with.
 */
final class ConfigReload {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);
  private final AtomicReference<GatewaySettings> settings;
  private final Clock clock;
  private Runnable afterReload = () -> {};

  ConfigReload(GatewayConfig config, Clock clock) {
    this.clock = clock;
    registerSecrets(config);
    this.settings = new AtomicReference<>(GatewaySettings.compile(config, clock, Set.of()));
  }

  GatewaySettings current() {
    return settings.get();
  }

  GatewayConfig config() {
    return settings.get().config();
  }

  /** Runs after every reload (the budget gauges re-read the ledger). */
  void afterReload(Runnable action) {
    this.afterReload = action;
  }

  /** Settings that refuse exactly these key ids; the config stays as it is. */
  void applyRevoked(Set<String> revokedKeyIds) {
    settings.updateAndGet(current -> GatewaySettings.compile(current.config(), clock, revokedKeyIds));
  }

  /**
   * Applies a new, already validated config: teams, budgets, policies, client keys and upstream keys take effect
   * for the next request, revocations are kept. Server ports, Redis and upstream connection settings are fixed at
   * start: a change there is logged and waits for the next restart.
   */
  void apply(GatewayConfig next) {
    registerSecrets(next);
    GatewaySettings previous = settings.getAndUpdate(
        current -> GatewaySettings.compile(next, clock, current.clientKeys().revoked()));
    GatewayConfig old = previous.config();
    List<String> restartOnly = new ArrayList<>();
    if (!old.server().equals(next.server())) {
      restartOnly.add("server");
    }
    if (!old.redis().equals(next.redis())) {
      restartOnly.add("redis");
    }
    if (!old.upstream().equals(next.upstream())) {
      restartOnly.add("upstream");
    }
    if (!old.tracing().equals(next.tracing())) {
      restartOnly.add("tracing");
    }
    if (!restartOnly.isEmpty()) {
      LOG.warn("config reloaded, but changes to {} take effect only after a restart", String.join(", ", restartOnly));
    }
    LOG.info("config reloaded: {} teams, {} client keys", next.teams().size(),
        next.teams().values().stream().mapToInt(t -> t.clientKeys().size()).sum());
    AuditLog.admin(null, "config.reload", null, "success", "ok", Map.of("teams", next.teams().size()));
    afterReload.run();
  }

  private static void registerSecrets(GatewayConfig config) {
    config.teams().values().forEach(team -> SecretMasker.register(team.upstreamKey()));
  }
}
