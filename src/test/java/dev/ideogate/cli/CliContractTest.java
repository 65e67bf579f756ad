package dev.ideogate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.ops.BuildInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line as a user meets it (ARCHITECTURE.md §9): every option described and labelled, exit 2 for a usage
 * error and 1 for invalid input, the real version, a rotated key keeping its predecessor's lifetime, and one-line
 * errors for a busy port, a missing file and an unreadable secret.
 */
class CliContractTest {

  record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void everyOptionOfEveryCommandHasADescriptionAndALabel() {
    Deque<CommandLine> commands = new ArrayDeque<>(List.of(Main.commandLine()));
    int options = 0;
    while (!commands.isEmpty()) {
      CommandLine command = commands.pop();
      commands.addAll(command.getSubcommands().values());
      CommandSpec spec = command.getCommandSpec();
      for (OptionSpec option : spec.options()) {
        String where = spec.qualifiedName() + " " + option.longestName();
        assertTrue(option.description().length > 0 && !option.description()[0].isBlank(), where + ": no description");
        if (option.arity().max() > 0) {
          assertFalse(option.paramLabel().matches("<arg\\d+>"), where + " is labelled " + option.paramLabel());
        }
        options++;
      }
    }
    assertTrue(options > 30, "only " + options + " options found");
    String help = run("keys", "new", "--help").out();
    assertTrue(help.contains("--id=<id>"), help);
    assertFalse(help.contains("<arg"), help);
  }

  @Test
  void aCommandGroupWithoutItsSubcommandIsAUsageError() {
    for (String group : List.of("keys", "webhook", "batch")) {
      Run run = runCapturingStderr(group);
      assertEquals(2, run.exitCode(), group);
      assertTrue(run.err().contains("Usage: ideogate " + group), group + ": " + run.err());
    }
  }

  @Test
  void usageErrorsExit2AndInvalidInputExits1() {
    Run unknown = run("keys", "new", "--id", "x", "--team", "marketing", "--bogus");
    assertEquals(2, unknown.exitCode(), unknown.err());
    assertEquals(2, run("keys", "new", "--team", "marketing").exitCode(), "missing --id");
    Run invalid = run("keys", "new", "--id", "x", "--team", "marketing", "--env", "moon");
    assertEquals(1, invalid.exitCode(), invalid.out());
    assertTrue(invalid.out().contains("error: --env must be one of"), invalid.out());
  }

  @Test
  void versionIsThePomsVersionAndTheCommit() {
    Run run = run("-V");
    assertEquals(0, run.exitCode());
    BuildInfo build = BuildInfo.current();
    assertFalse(build.version().equals(BuildInfo.UNKNOWN), "the pom's version is filtered into the build");
    assertEquals("ideogate " + build.version() + " (commit " + build.commit() + ")", run.out().trim());
  }

  @Test
  void rotatingAnExpiringKeyGivesTheSuccessorTheSameLifetime(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("ideogate.yaml");
    Files.writeString(config, Files.readString(Path.of("conf/ideogate.yaml")));
    KeysCommandTest.Run expiring = KeysCommandTest.run("rotate", "--config", config.toString(), "--id",
        "marketing-batch");
    assertEquals(0, expiring.exitCode(), expiring.out());
    // marketing-batch: created 2026-03-01, expires 2027-03-01 (365 days); rotated at 2026-06-01T10:00:00Z.
    assertTrue(expiring.entry().endsWith("expiresAt: \"2027-06-01T10:00:00Z\" }"), expiring.entry());

    KeysCommandTest.Run neverExpiring = KeysCommandTest.run("rotate", "--config", config.toString(), "--id",
        "product-backend");
    assertEquals(0, neverExpiring.exitCode(), neverExpiring.out());
    assertFalse(neverExpiring.entry().contains("expiresAt"), neverExpiring.entry());
  }

  @Test
  void aBusyPortIsOneLineWithoutAStackTrace(@TempDir Path dir) throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path config = dir.resolve("ideogate.yaml");
      Files.writeString(config, """
          server: { host: 127.0.0.1, port: %d, managementPort: 0 }
          teams:
            t1: { upstreamKey: k-1, dailyBudgetUsd: 1, allowedModels: [V_2], allowedStyles: [DESIGN] }
          """.formatted(busy.getLocalPort()));
      Run run = runCapturingStderr("serve", "--config", config.toString());
      assertEquals(1, run.exitCode(), run.err());
      List<String> lines = errorLines(run.err());
      assertEquals(1, lines.size(), run.err());
      assertTrue(lines.get(0).startsWith("error: cannot listen on port " + busy.getLocalPort()), lines.get(0));
      assertTrue(lines.get(0).contains("already in use"), lines.get(0));
    }
  }

  @Test
  void aMissingConfigAndAnUnreadableSecretAreOneLineEach(@TempDir Path dir) throws IOException {
    Run missing = runCapturingStderr("serve", "--config", dir.resolve("nope.yaml").toString());
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().contains("nope.yaml: cannot read (NoSuchFileException)"), missing.err());
    assertFalse(missing.err().contains("\tat "), "a stack trace: " + missing.err());

    // A directory where the key file should be (a Secret mounted one level off): unreadable as a file, as root too.
    Path secret = Files.createDirectory(dir.resolve("marketing.key"));
    Files.writeString(secret.resolve("marketing"), "secret-upstream-key\n");
    Path config = Files.writeString(dir.resolve("ideogate.yaml"), """
        teams:
          t1: { upstreamKeyFile: "%s", dailyBudgetUsd: 1, allowedModels: [V_2], allowedStyles: [DESIGN] }
        """.formatted(secret));
    Run unreadable = runCapturingStderr("serve", "--config", config.toString());
    assertEquals(1, unreadable.exitCode());
    assertTrue(unreadable.err().contains("upstreamKeyFile: cannot read file " + secret), unreadable.err());
    assertFalse(unreadable.err().contains("\tat "), "a stack trace: " + unreadable.err());
    assertFalse(unreadable.err().contains("secret-upstream-key"), "the secret itself is never printed");
  }

  /** serve writes to System.err (it runs before and beside the loggers); the test reads it there. */
  private static Run runCapturingStderr(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Run run = run(args);
      return new Run(run.exitCode(), run.out(), captured.toString(StandardCharsets.UTF_8) + run.err());
    } finally {
      System.setErr(original);
    }
  }

  /** The error lines a user reads (JSON log lines and a fuzzing agent's notes aside), and never a stack frame. */
  private static List<String> errorLines(String stderr) {
    assertFalse(stderr.contains("\tat "), "a stack trace: " + stderr);
    return stderr.lines().filter(l -> l.startsWith("error:") || l.startsWith("Exception")).toList();
  }
}
