package dev.ideogate.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
  @TempDir
  Path dir;

  @Test
  void readsAccountsWithExactCreditsAndDefaults() throws Exception {
    Path file = Files.writeString(dir.resolve("accounts.yaml"), """
        accounts:
          - { apiKey: key-one, creditsUsd: 6.85, maxInFlight: 3 }
          - apiKey: key-two
        """);
    assertEquals(List.of(new SimulatorOptions.Account("key-one", 6_850_000L, 3),
            new SimulatorOptions.Account("key-two", null, 10)),
        SimulateCommand.readAccounts(file));
  }

  @Test
  void rejectsAnUnknownAccountField() throws Exception {
    Path file = Files.writeString(dir.resolve("accounts.yaml"), "accounts: [{apiKey: k, credits: 5}]\n");
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> SimulateCommand.readAccounts(file));
    assertTrue(error.getMessage().contains("unknown field 'credits'"), error.getMessage());
  }

  @Test
  void parsesItsOptionsWithDefaults() {
    SimulateCommand command = new SimulateCommand();
    new CommandLine(command).parseArgs("--time-scale", "0.01");
    assertEquals(8090, command.port);
    assertEquals("127.0.0.1", command.host);
    assertEquals(0.01, command.timeScale);
  }
}
