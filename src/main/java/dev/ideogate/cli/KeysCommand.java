package dev.ideogate.cli;

import dev.ideogate.config.ConfigException;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.Durations;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.KeyEntry;
import dev.ideogate.config.KeyTable;
import dev.ideogate.policy.ClientKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ideogate keys new | list | rotate | revoke}: issues client keys and prints the YAML entry to paste into the
 * config. A fresh key is printed exactly once and never stored; the config only ever receives its SHA-256.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Create, list, rotate and revoke gateway client keys.")
public final class KeysCommand implements Callable<Integer> {
  static final String DEFAULT_SCOPES = "images:generate,images:upscale,images:describe,usage:read";
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private final Clock clock;
  private final Function<String, String> env;
  @Spec CommandSpec spec;

  public KeysCommand() {
    this(Clock.systemUTC(), System::getenv);
  }

  public KeysCommand(Clock clock, Function<String, String> env) {
    this.clock = clock;
    this.env = env;
  }

  /** {@code keys} alone names no action: a usage error (exit 2), with the usage on stderr. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CommandLine.ExitCode.USAGE;
  }

  @Command(name = "new", mixinStandardHelpOptions = true,
      description = "Print a fresh key once, and the config entry (its SHA-256) to paste.")
  int newKey(
      @Option(names = "--team", paramLabel = "<team>", description = "team id; omit for an admin key") String team,
      @Option(names = "--id", paramLabel = "<id>", required = true, description = "key id, e.g. marketing-batch")
          String id,
      @Option(names = "--scopes", paramLabel = "<scope>", defaultValue = DEFAULT_SCOPES, split = ",",
          description = "comma-separated; admin only when asked for (default: ${DEFAULT-VALUE})") List<String> scopes,
      @Option(names = "--env", paramLabel = "<env>",
          description = "key environment prefix: dev, staging, prod or demo (default: the config's, else dev)")
          String envName,
      @Option(names = "--expires", paramLabel = "<date>", description = "expiry, 2027-03-01 or an ISO instant")
          String expires,
      @Option(names = "--config", paramLabel = "<file>", description = "check team and id against this config")
          Path config) {
    Optional<GatewayConfig> loaded = config == null ? Optional.empty() : load(config);
    if (config != null && loaded.isEmpty()) {
      return 1;
    }
    String environment = envName != null ? envName : loaded.map(GatewayConfig::environment).orElse("dev");
    List<String> problems = new ArrayList<>();
    if (!ConfigLoader.ENVIRONMENTS.contains(environment)) {
      problems.add("--env must be one of " + String.join(", ", ConfigLoader.ENVIRONMENTS));
    }
    loaded.ifPresent(c -> checkAgainstConfig(c, team, id, environment, problems));
    boolean admin = scopes.contains(ClientKeys.ADMIN_SCOPE);
    if (admin && (scopes.size() > 1 || team != null || expires != null)) {
      problems.add("an admin key has only the admin scope, no --team and no --expires");
    }
    if (!admin && team == null) {
      problems.add("--team is required for a team key");
    }
    KeyEntry entry = new KeyEntry(id, new LinkedHashSet<>(scopes), now(), expires);
    problems.addAll(entry.check(admin));
    if (!problems.isEmpty()) {
      problems.forEach(problem -> out().println("error: " + problem));
      out().flush();
      return 1;
    }
    String key = ClientKeys.newKey(environment);
    printKey(key, admin ? "the admin key" : "team " + team);
    out().println(admin ? "Paste under adminKeys:" : "Paste under teams." + team + ".clientKeys:");
    out().println("  " + entry.yaml(ClientKeys.sha256(key), admin));
    out().flush();
    return 0;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the configured keys (never their hashes in full).")
  int list(@Option(names = "--config", paramLabel = "<file>", defaultValue = "conf/ideogate.yaml",
      description = "config whose keys to list (default: ${DEFAULT-VALUE})") Path config) {
    Optional<GatewayConfig> loaded = load(config);
    loaded.ifPresent(c -> KeyTable.print(c, clock.instant(), out()));
    out().flush();
    return loaded.isPresent() ? 0 : 1;
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Print a successor for a key: same team, scopes and lifetime, id <id>-<yyyymmdd>.")
  int rotate(
      @Option(names = "--config", paramLabel = "<file>", defaultValue = "conf/ideogate.yaml",
          description = "config holding the key (default: ${DEFAULT-VALUE})") Path config,
      @Option(names = "--id", paramLabel = "<id>", required = true, description = "id of the key to replace")
          String id,
      @Option(names = "--expires", paramLabel = "<date>",
          description = "expiry of the new key, 2027-03-01 or an ISO instant (default: the old key's lifetime from"
              + " now; none when the old key never expires)") String expires,
      @Option(names = "--grace", paramLabel = "<duration>", defaultValue = "7d",
          description = "how long the old key stays valid, e.g. 7d, 48h (default: ${DEFAULT-VALUE})") String grace) {
    Optional<GatewayConfig> loaded = load(config);
    if (loaded.isEmpty()) {
      return 1;
    }
    Optional<KeyTable.Row> old = KeyTable.rows(loaded.get()).stream().filter(r -> r.id().equals(id)).findFirst();
    Duration graceDuration;
    try {
      graceDuration = Durations.parse(grace);
    } catch (IllegalArgumentException e) {
      return fail("--grace: " + e.getMessage());
    }
    if (old.isEmpty()) {
      return fail("no key with id '" + id + "' in " + config);
    }
    boolean admin = old.get().team() == null;
    String newId = id.replaceFirst("-\\d{8}$", "") + "-" + DAY.format(LocalDate.ofInstant(now(), ZoneOffset.UTC));
    String successorExpires = expires;
    if (successorExpires == null && old.get().expiresAt() != null) {
      // The successor keeps the predecessor's policy: an expiring key's successor expires after the same lifetime.
      if (old.get().createdAt() == null) {
        return fail("key '" + id + "' expires but has no createdAt to measure its lifetime: give --expires");
      }
      successorExpires = now().plus(Duration.between(old.get().createdAt(), old.get().expiresAt())).toString();
    }
    KeyEntry entry = new KeyEntry(newId, old.get().scopes(), now(), successorExpires);
    List<String> problems = entry.check(admin);
    if (admin && expires != null) {
      problems.add("admin keys have no expiry");
    }
    if (!problems.isEmpty()) {
      return fail(String.join("\nerror: ", problems));
    }
    String key = ClientKeys.newKey(loaded.get().environment());
    printKey(key, admin ? "the admin key" : "team " + old.get().team());
    out().println((admin ? "Add under adminKeys" : "Add under teams." + old.get().team() + ".clientKeys")
        + ", beside '" + id + "':");
    out().println("  " + entry.yaml(ClientKeys.sha256(key), admin));
    Instant graceEndsAt = now().plus(graceDuration);
    LocalDate graceEnds = LocalDate.ofInstant(graceEndsAt, ZoneOffset.UTC);
    out().println("Keep the old key '" + id + "' until its clients have switched: the grace ends " + graceEnds
        + " (" + graceEndsAt + ").");
    if (admin) {
      out().println("Admin keys have no expiry: remove the old entry when the grace ends.");
    } else {
      KeyTable.Row was = old.get();
      Instant oldExpiry = was.expiresAt() != null && was.expiresAt().isBefore(graceEndsAt) ? was.expiresAt()
          : graceEndsAt;
      out().println("Replace the old entry by this one now: it stops working by itself when the grace ends.");
      out().println("  " + oldEntryWithExpiry(was, oldExpiry));
    }
    out().flush();
    return 0;
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "How to revoke a key.")
  int revoke(@Option(names = "--id", paramLabel = "<id>", required = true, description = "id of the key to revoke")
      String id) {
    out().println("To revoke key '" + id + "':");
    out().println("  1. at once, on every replica (within 1 s, no restart, audited), with an admin key:");
    out().println("       curl -X POST -H \"Authorization: Bearer $IDEOGATE_ADMIN_KEY\" \\");
    out().println("         https://<management host>:9090/admin/keys/" + id + "/revoke");
    out().println("  2. then remove its entry from the config (or set its expiresAt to a past date) and apply the");
    out().println("     change, so the key stays refused even if the Redis set of revoked ids is lost.");
    out().println("  Check with GET /admin/keys: the key shows state \"revoked\".");
    out().flush();
    return 0;
  }

  /** The old key's entry as it is, with expiresAt at the end of the grace (the loader reads ISO instants). */
  private static String oldEntryWithExpiry(KeyTable.Row row, Instant expiresAt) {
    return "- { id: " + row.id() + ", sha256: \"" + row.sha256() + "\", scopes: [" + String.join(", ", row.scopes())
        + "]" + (row.createdAt() == null ? "" : ", createdAt: \"" + row.createdAt() + "\"")
        + ", expiresAt: \"" + expiresAt + "\" }";
  }

  private void checkAgainstConfig(GatewayConfig config, String team, String id, String environment,
      List<String> problems) {
    if (!config.environment().equals(environment)) {
      problems.add("--env " + environment + " differs from the config's environment " + config.environment());
    }
    if (team != null && config.team(team) == null) {
      problems.add("no team '" + team + "' in the config");
    }
    if (KeyTable.rows(config).stream().anyMatch(r -> r.id().equals(id))) {
      problems.add("key id '" + id + "' is already in the config");
    }
  }

  /** Keys commands read only key metadata, so an unset upstream key variable must not stop them. */
  private Optional<GatewayConfig> load(Path config) {
    try {
      return Optional.of(ConfigLoader.loadKeyMetadata(config, env));
    } catch (ConfigException e) {
      e.errors().forEach(error -> out().println("error: " + error));
      return Optional.empty();
    }
  }

  private void printKey(String key, String owner) {
    out().println("New client key for " + owner + ". It is shown only this once; store it now:");
    out().println(key);
  }

  private int fail(String message) {
    out().println("error: " + message);
    out().flush();
    return 1;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
