package dev.ideogate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.cli.KeysCommand;
import dev.ideogate.policy.ClientKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code keys rotate} → both entries in the config → the old key works exactly until the grace ends. */
class KeyRotationTest {
  private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
  private static final Pattern KEY_LINE = Pattern.compile("(?m)^(igk_[a-z]+_[0-9A-Za-z]{43})$");
  private static final Pattern ENTRY_LINE = Pattern.compile("(?m)^  (- \\{ id: .* })$");
  private static final Map<String, String> ENV = Map.of(
      "IDEOGRAM_KEY_MARKETING", "m-key-0123456789", "IDEOGRAM_KEY_PRODUCT", "p-key-0123456789",
      "IDEOGRAM_KEY_SOCIAL", "s-key-0123456789", "REDIS_URL", "");

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    int exit = new CommandLine(new KeysCommand(Clock.fixed(NOW, ZoneOffset.UTC), ENV::get))
        .setOut(new PrintWriter(out)).execute(args);
    assertEquals(0, exit, out.toString());
    return out.toString();
  }

  @Test
  void theOldKeyStaysValidUntilTheStatedGraceEndsAndNotAfter() throws Exception {
    String sample = Files.readString(Path.of("conf/ideogate.yaml"));
    String out = run("rotate", "--config", "conf/ideogate.yaml", "--id", "product-backend", "--grace", "3d");

    Matcher entries = ENTRY_LINE.matcher(out);
    assertTrue(entries.find(), out);
    String newEntry = entries.group(1);
    assertTrue(entries.find(), "the old entry with its expiry is printed too: " + out);
    String oldEntry = entries.group(1);
    assertTrue(oldEntry.contains("expiresAt: \"2026-06-04T10:00:00Z\""), oldEntry);
    assertTrue(out.contains("the grace ends 2026-06-04"), out);
    Matcher key = KEY_LINE.matcher(out);
    assertTrue(key.find());

    String oldLine = sample.lines().filter(l -> l.contains("id: product-backend,")).findFirst().orElseThrow();
    String rotated = sample.replace(oldLine, "      " + oldEntry + "\n      " + newEntry);
    GatewayConfig config = ConfigLoader.parse(rotated, ENV::get);
    assertEquals(Instant.parse("2026-06-04T10:00:00Z"), config.team("product").clientKeys().stream()
        .filter(k -> k.id().equals("product-backend")).findFirst().orElseThrow().expiresAt());

    // the old key's value is unknown here; its entry's hash is what matters, so authenticate by a key we control
    String oldKey = ClientKeys.newKey("dev");
    String withKnownOld = rotated.replace(oldEntry.replaceAll(".*sha256: \"([0-9a-f]{64})\".*", "$1"),
        ClientKeys.sha256(oldKey));
    GatewayConfig known = ConfigLoader.parse(withKnownOld, ENV::get);
    assertTrue(keys(known, "2026-06-04T09:59:59Z").authenticate(oldKey).isPresent(), "valid during the grace");
    assertFalse(keys(known, "2026-06-04T10:00:00Z").authenticate(oldKey).isPresent(), "refused once it ends");
    assertTrue(keys(known, "2026-06-04T10:00:00Z").authenticate(key.group(1)).isPresent(), "the new key works");
  }

  @Test
  void newKeysNeverCarryTheAdminScopeUnlessAskedFor() {
    String out = run("new", "--team", "marketing", "--id", "marketing-new");
    Matcher entry = ENTRY_LINE.matcher(out);
    assertTrue(entry.find(), out);
    assertFalse(entry.group(1).contains("admin"), entry.group(1));

    String admin = run("new", "--id", "ops-new", "--scopes", "admin");
    assertTrue(admin.contains("Paste under adminKeys:"), admin);
  }

  @Test
  void revokeInstructionsPointToTheEndpoint() {
    String out = run("revoke", "--id", "marketing-batch");
    assertTrue(out.contains("/admin/keys/marketing-batch/revoke"), out);
  }

  private static ClientKeys keys(GatewayConfig config, String at) {
    return new ClientKeys(config, Clock.fixed(Instant.parse(at), ZoneOffset.UTC)).withRevoked(Set.of());
  }
}
