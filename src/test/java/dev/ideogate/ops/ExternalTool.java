package dev.ideogate.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool a test runs (kubectl, promtool). Missing from PATH is a failure naming the Debian package, never
 * a skip: {@code .ci/run} installs both.
 */
final class ExternalTool {
  /** What a finished run printed (stdout and stderr together) and its exit code. */
  record Result(int exitCode, String output) {}

  private final Path binary;

  private ExternalTool(Path binary) {
    this.binary = binary;
  }

  static ExternalTool require(String name, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return new ExternalTool(candidate);
      }
    }
    throw new AssertionError(name + " is not on PATH: install it (apt-get install -y " + debianPackage
        + ", as .ci/run does)");
  }

  Result run(Path workDir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish");
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
