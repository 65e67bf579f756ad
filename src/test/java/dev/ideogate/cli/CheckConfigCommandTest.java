package dev.ideogate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.config.ConfigLoaderTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckConfigCommandTest {
  record Run(int exitCode, String out) {}

  static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    int exitCode = new CommandLine(new CheckConfigCommand(env::get)).setOut(new PrintWriter(out)).execute(args);
    return new Run(exitCode, out.toString());
  }

  @Test
  void acceptsTheSampleConfigByDefaultWhenItsEnvVarsAreSet() {
    Run run = run(ConfigLoaderTest.SAMPLE_ENV);

    assertEquals(0, run.exitCode(), run.out());
    assertTrue(run.out().startsWith("OK: 3 teams"), run.out());
    assertFalse(run.out().contains("ideo-secret"), run.out());
  }

  @Test
  void printsEveryErrorAndExits1() {
    Run run = run(Map.of());

    assertEquals(1, run.exitCode());
    assertTrue(run.out().contains("3 error(s)"), run.out());
    assertTrue(run.out().contains("teams.marketing.upstreamKey: environment variable IDEOGRAM_KEY_MARKETING is not set"),
        run.out());
    assertTrue(run.out().contains("teams.social.upstreamKey: environment variable IDEOGRAM_KEY_SOCIAL is not set"),
        run.out());
  }

  @Test
  void exits1ForAMissingFile(@TempDir Path dir) {
    Run run = run(Map.of(), "--config", dir.resolve("absent.yaml").toString());

    assertEquals(1, run.exitCode());
    assertTrue(run.out().contains("cannot read"), run.out());
  }

  @Test
  void exits1ForAnUnknownKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, ConfigLoaderTest.MINIMAL.replace("dailyBudgetUsd", "dailyBudgetUSD"));

    Run run = run(Map.of(), "--config", file.toString());

    assertEquals(1, run.exitCode());
    assertTrue(run.out().contains("teams.marketing.dailyBudgetUSD: unknown key"), run.out());
    assertTrue(run.out().contains("teams.marketing.dailyBudgetUsd: required"), run.out());
  }
}
