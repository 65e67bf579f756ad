package dev.ideogate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.config.ClientKeyConfig;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.ConfigLoaderTest;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamReader;
import dev.ideogate.policy.ClientKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeysCommandTest {
  static final Clock NOW = Clock.fixed(Instant.parse("2026-06-01T10:00:00Z"), ZoneOffset.UTC);
  static final Pattern KEY_LINE = Pattern.compile("(?m)^(igk_[a-z]+_[0-9A-Za-z]{43})$");
  static final Pattern ENTRY_LINE = Pattern.compile("(?m)^  (- \\{ id: .* })$");

  record Run(int exitCode, String out) {
    String key() {
      Matcher matcher = KEY_LINE.matcher(out);
      assertTrue(matcher.find(), out);
      return matcher.group(1);
    }

    String entry() {
      Matcher matcher = ENTRY_LINE.matcher(out);
      assertTrue(matcher.find(), out);
      return matcher.group(1);
    }
  }

  static Run run(String... args) {
    return runAt(NOW, args);
  }

  static Run runAt(Clock clock, String... args) {
    StringWriter out = new StringWriter();
    int exitCode = new CommandLine(new KeysCommand(clock, Map.<String, String>of()::get))
        .setOut(new PrintWriter(out)).execute(args);
    return new Run(exitCode, out.toString());
  }

  @Test
  void printsTheNewKeyOnceAndAnEntryWithItsHash() {
    Run run = run("new", "--team", "marketing", "--id", "marketing-batch", "--scopes", "images:generate,usage:read",
        "--expires", "2027-03-01");

    assertEquals(0, run.exitCode(), run.out());
    String key = run.key();
    assertTrue(key.startsWith("igk_dev_"), key);
    assertEquals(1, run.out().split(Pattern.quote(key), -1).length - 1, "the key appears exactly once");
    assertEquals("- { id: marketing-batch, sha256: \"" + ClientKeys.sha256(key)
        + "\", scopes: [images:generate, usage:read], createdAt: \"2026-06-01T10:00:00Z\", expiresAt: \"2027-03-01\" }",
        run.entry());
  }

  @Test
  void printsAnEntryTheLoaderReadsBackAndThatAuthenticatesTheKey() {
    Run run = run("new", "--team", "marketing", "--id", "marketing-batch", "--env", "staging", "--expires",
        "2027-03-01");

    GatewayConfig config = ConfigLoader.parse("environment: staging\n" + ConfigLoaderTest.MINIMAL
        + "    clientKeys:\n      " + run.entry() + "\n", Map.<String, String>of()::get);

    ClientKeyConfig entry = config.team("marketing").clientKeys().get(0);
    assertEquals(Instant.parse("2026-06-01T10:00:00Z"), entry.createdAt());
    assertEquals(Instant.parse("2027-03-01T00:00:00Z"), entry.expiresAt());
    assertEquals(List.copyOf(TeamReader.TEAM_SCOPES), List.copyOf(entry.scopes()), "default scopes exclude admin");
    ClientKeys.Principal principal = new ClientKeys(config, NOW).authenticate(run.key()).orElseThrow();
    assertEquals("marketing", principal.team());
  }

  @Test
  void grantsAdminOnlyWhenAskedAndAsAnAdminKeysEntry() {
    Run run = run("new", "--id", "ops", "--scopes", "admin");

    assertEquals(0, run.exitCode(), run.out());
    assertTrue(run.out().contains("Paste under adminKeys:"), run.out());
    assertEquals("- { id: ops, sha256: \"" + ClientKeys.sha256(run.key()) + "\" }", run.entry());
  }

  @Test
  void refusesAnAdminScopeMixedWithATeam() {
    Run run = run("new", "--team", "marketing", "--id", "x", "--scopes", "admin,usage:read");

    assertEquals(1, run.exitCode());
    assertFalse(KEY_LINE.matcher(run.out()).find(), run.out());
  }

  @Test
  void checksTeamIdAndEnvironmentAgainstAConfig() {
    Run run = run("new", "--team", "design", "--id", "marketing-batch", "--env", "prod", "--config",
        "conf/ideogate.yaml");

    assertEquals(1, run.exitCode());
    assertTrue(run.out().contains("error: --env prod differs from the config's environment dev"), run.out());
    assertTrue(run.out().contains("error: no team 'design' in the config"), run.out());
    assertTrue(run.out().contains("error: key id 'marketing-batch' is already in the config"), run.out());
    assertFalse(KEY_LINE.matcher(run.out()).find(), run.out());
  }

  @Test
  void listsKeysWithShortHashesAndTheirStatus() {
    Run run = run("list", "--config", "conf/ideogate.yaml");

    assertEquals(0, run.exitCode(), run.out());
    String hash = "1887c9eb528fbec0d0ae5c5b6de47bc1550e4d7afdc227656ed5bb134b0db6d7";
    assertTrue(run.out().contains("1887c9eb…"), run.out());
    assertFalse(run.out().contains(hash.substring(0, 9)), run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("marketing-batch") && l.contains("marketing")
        && l.contains("images:generate,usage:read") && l.contains("2026-03-01") && l.contains("2027-03-01")
        && l.endsWith("rotate (older than 90 days)")), run.out());
    assertEquals(4, run.out().lines().count(), run.out());
  }

  @Test
  void marksKeysOkUntilTheyAreDueForRotationAndThenExpired() {
    Run fresh = runAt(Clock.fixed(Instant.parse("2026-04-01T00:00:00Z"), ZoneOffset.UTC), "list", "--config",
        "conf/ideogate.yaml");
    Run late = runAt(Clock.fixed(Instant.parse("2027-03-01T00:00:00Z"), ZoneOffset.UTC), "list", "--config",
        "conf/ideogate.yaml");

    assertTrue(fresh.out().lines().anyMatch(l -> l.startsWith("marketing-batch") && l.endsWith(" ok")), fresh.out());
    assertTrue(late.out().lines().anyMatch(l -> l.startsWith("marketing-batch") && l.endsWith(" expired")), late.out());
  }

  @Test
  void rotatesIntoADatedIdWithTheSameScopes(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("ideogate.yaml");
    Files.writeString(config, Files.readString(Path.of("conf/ideogate.yaml")));

    Run run = run("rotate", "--config", config.toString(), "--id", "product-backend", "--expires", "2027-06-01");

    assertEquals(0, run.exitCode(), run.out());
    assertTrue(run.entry().startsWith("- { id: product-backend-20260601, sha256: \"" + ClientKeys.sha256(run.key())
        + "\", scopes: [images:generate, images:upscale, images:describe, usage:read]"), run.entry());
    assertTrue(run.out().contains("Keep the old key 'product-backend'"), run.out());
    assertTrue(run.out().contains("grace ends 2026-06-08"), run.out());

    String productKey = Files.readString(config).lines()
        .filter(l -> l.contains("id: product-backend,")).findFirst().orElseThrow();
    String withBoth = Files.readString(config).replace(productKey, productKey + "\n      " + run.entry());
    GatewayConfig reloaded = ConfigLoader.parse(withBoth, ConfigLoaderTest.SAMPLE_ENV::get);
    assertEquals(2, reloaded.team("product").clientKeys().size());
  }

  @Test
  void failsToRotateAnUnknownKey() {
    Run run = run("rotate", "--config", "conf/ideogate.yaml", "--id", "nobody");

    assertEquals(1, run.exitCode());
    assertTrue(run.out().contains("error: no key with id 'nobody'"), run.out());
  }

  @Test
  void explainsHowToRevoke() {
    Run run = run("revoke", "--id", "marketing-batch");

    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("To revoke key 'marketing-batch'"), run.out());
  }
}
