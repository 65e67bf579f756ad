package dev.ideogate.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload (ARCHITECTURE.md §4): every period, re-reads and validates the config file on a worker thread and hands a
 * valid version that differs from the applied one to {@code apply}. Polling, not a file-system watch: a Kubernetes
 * ConfigMap update swaps a {@code ..data} symlink in the file's directory, which inotify on the file itself does not
 * see, and a re-read also picks up rotated {@code upstreamKeyFile} secrets. Comparing the parsed config (records
 * compare by value) rather than the file's bytes makes a rotated key file count as a change.
 *
 * <p>An invalid version is rejected with one ERROR line listing its errors (logged again only when the errors
 * change) and the applied config stays; {@link Outcomes} hears of each applied and each newly rejected version
 * (metrics, ARCHITECTURE.md §9).
 */
public final class ConfigWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

  private final Vertx vertx;
  private final Path file;
  private final Function<String, String> env;
  private final Consumer<GatewayConfig> apply;
  private final Outcomes outcomes;
  private GatewayConfig applied;
  private List<String> lastRejected = List.of();
  private long timerId = -1;
  private boolean checking;

  private ConfigWatcher(Vertx vertx, Path file, Function<String, String> env, GatewayConfig applied,
      Consumer<GatewayConfig> apply, Outcomes outcomes) {
    this.vertx = vertx;
    this.file = file;
    this.env = env;
    this.applied = applied;
    this.apply = apply;
    this.outcomes = outcomes;
  }

  /** What became of a changed config file: applied, or rejected as invalid (once per distinct set of errors). */
  public interface Outcomes {
    Outcomes NONE = new Outcomes() {};

    default void applied() {}

    default void rejected() {}
  }

  /** Starts polling {@code file} every {@code periodMs}; {@code current} is the config the gateway runs with now. */
  public static ConfigWatcher start(Vertx vertx, Path file, Function<String, String> env, long periodMs,
      GatewayConfig current, Consumer<GatewayConfig> apply) {
    return start(vertx, file, env, periodMs, current, apply, Outcomes.NONE);
  }

  /** As above, telling {@code outcomes} of every applied and rejected version. */
  public static ConfigWatcher start(Vertx vertx, Path file, Function<String, String> env, long periodMs,
      GatewayConfig current, Consumer<GatewayConfig> apply, Outcomes outcomes) {
    ConfigWatcher watcher = new ConfigWatcher(vertx, file, env, current, apply, outcomes);
    watcher.timerId = vertx.setPeriodic(periodMs, id -> {
      if (!watcher.checking) {
        watcher.check();
      }
    });
    return watcher;
  }

  /** One poll now; completes with true when a new version was applied. */
  public synchronized Future<Boolean> check() {
    checking = true;
    return vertx.executeBlocking(this::load, false)
        .map(this::decide)
        .onFailure(e -> LOG.error("config {} could not be checked ({}); keeping the running config", file,
            e.getClass().getSimpleName()))
        .eventually(() -> {
          checking = false;
          return Future.succeededFuture();
        });
  }

  public void stop() {
    vertx.cancelTimer(timerId);
  }

  /** Either a valid config or the errors of an invalid one. */
  private record Loaded(GatewayConfig config, List<String> errors) {}

  private Loaded load() {
    try {
      return new Loaded(ConfigLoader.load(file, env), List.of());
    } catch (ConfigException e) {
      return new Loaded(null, e.errors());
    }
  }

  private synchronized boolean decide(Loaded loaded) {
    if (loaded.config() == null) {
      if (!loaded.errors().equals(lastRejected)) {
        lastRejected = loaded.errors();
        LOG.error("config {} changed but is invalid; keeping the running config. Errors: {}", file,
            String.join("; ", loaded.errors()));
        outcomes.rejected();
      }
      return false;
    }
    boolean recovered = !lastRejected.isEmpty();
    lastRejected = List.of();
    if (Objects.equals(loaded.config(), applied)) {
      if (recovered) {
        outcomes.applied(); // the file is valid again and says what runs: the failure is over
      }
      return false;
    }
    apply.accept(loaded.config());
    applied = loaded.config();
    outcomes.applied();
    return true;
  }
}
