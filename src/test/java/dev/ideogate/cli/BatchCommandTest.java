package dev.ideogate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.sim.SimulatorOptions;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The README's batch walk-through, through the CLI against a real gateway and the simulator on loopback. */
class BatchCommandTest {
  private static final String KEY = TestConfig.clientKey("cli");

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    BatchCommand command = new BatchCommand(Map.of("IDEOGATE_KEY", KEY)::get,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit = new CommandLine(command).execute(args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void submitWaitResultsAndDownloadTheImages(@TempDir Path dir) throws Exception {
    try (GatewayHarness harness = new GatewayHarness(SimulatorOptions.defaults().withTimeScale(0)
        .withAcceptAnyKey(true))) {
      Gateway gateway = harness.start(url -> TestConfig.upstream(url).team("cli", "contentPolicy: permissive")
          .top("batches:\n  imageDir: \"" + dir.resolve("store") + "\"").build());
      String url = "http://127.0.0.1:" + gateway.port();
      Path prompts = dir.resolve("prompts.jsonl");
      StringBuilder jsonl = new StringBuilder();
      for (int i = 1; i <= 4; i++) {
        jsonl.append(new JsonObject().put("custom_id", "poster/" + i).put("endpoint", "/v1/ideogram-v3/generate")
            .put("body", new JsonObject().put("prompt", "a poster " + i).put("rendering_speed", "TURBO")
                .put("num_images", 2)).encode()).append('\n');
      }
      Files.writeString(prompts, jsonl);

      Run submitted = run("submit", prompts.toString(), "--url", url, "--key-env", "IDEOGATE_KEY", "--wait");
      assertEquals(0, submitted.exitCode(), submitted.err());
      JsonObject batch = new JsonObject(submitted.out().trim());
      assertEquals("completed", batch.getString("state"));
      assertTrue(submitted.err().contains("[##############################] 4/4"), submitted.err());

      Run results = run("results", batch.getString("id"), "--url", url, "--key-env", "IDEOGATE_KEY");
      assertEquals(0, results.exitCode(), results.err());
      assertEquals(4, results.out().lines().count());

      Path images = dir.resolve("images");
      Run download = run("download", batch.getString("id"), "--url", url, "--key-env", "IDEOGATE_KEY", "--dir",
          images.toString());
      assertEquals(0, download.exitCode(), download.err());
      try (Stream<Path> files = Files.list(images)) {
        assertEquals(8, files.filter(f -> f.getFileName().toString().matches("poster_\\d-[12]\\.png")).count());
      }
      assertTrue(Files.readAllBytes(images.resolve("poster_1-1.png"))[1] == 'P', "a PNG on disk");

      Run refused = run("results", "batch_nope", "--url", url, "--key-env", "IDEOGATE_KEY");
      assertEquals(1, refused.exitCode());
      Run noKey = run("results", "x", "--url", url, "--key-env", "UNSET_VAR");
      assertEquals(1, noKey.exitCode());
      assertTrue(noKey.err().contains("UNSET_VAR is not set"));
    }
  }

  @Test
  void theProgressBarFillsWithTheFinishedLines() {
    assertEquals("[" + ".".repeat(30) + "] 0/10", BatchCommand.progressBar(0, 10));
    assertEquals("[###############...............] 5/10", BatchCommand.progressBar(5, 10));
    assertEquals("_.hidden", BatchCommand.safeName(".hidden"), "never a hidden file");
    assertEquals("a_b_c", BatchCommand.safeName("a/b c"));
  }
}
