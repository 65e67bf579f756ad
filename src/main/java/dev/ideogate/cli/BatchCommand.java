package dev.ideogate.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ideogate batch submit|results|download} (ARCHITECTURE.md §13): a client of the gateway's batch routes. The
 * client key is read from an environment variable, never from the command line (it would show in {@code ps}).
 * Exit codes: 0 done, 1 the gateway refused or failed, 2 usage.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
    description = "Submit a JSONL batch to a gateway, follow it, read its results and download its images.")
public final class BatchCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private final Function<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  @Spec CommandSpec spec;

  public BatchCommand() {
    this(System::getenv, System.out, System.err);
  }

  public BatchCommand(Function<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(err);
    return CommandLine.ExitCode.USAGE;
  }

  @Command(name = "submit", mixinStandardHelpOptions = true,
      description = "Submit a JSONL file (one {custom_id, endpoint, body} per line); prints the batch as JSON.")
  int submit(@Parameters(paramLabel = "FILE", description = "The JSONL file.") Path file,
      @CommandLine.Mixin TargetMixin target,
      @Option(names = "--on-budget", defaultValue = "pause", paramLabel = "pause|fail",
          description = "When the team's budget runs out: pause until the next window, or fail the rest.")
          String onBudget,
      @Option(names = "--wait", description = "Wait until the batch ends, with a progress bar on stderr.")
          boolean await) throws IOException, InterruptedException {
    String key = key(target);
    if (key == null) {
      return 1;
    }
    HttpResponse<String> reply = http.send(HttpRequest.newBuilder(uri(target, "/v1/batches?on_budget=" + onBudget))
        .timeout(TIMEOUT).header("Api-Key", key).header("Content-Type", "application/jsonl")
        .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
    if (reply.statusCode() != 201) {
      err.println("refused (" + reply.statusCode() + "): " + reply.body());
      return 1;
    }
    JsonObject batch = new JsonObject(reply.body());
    if (await) {
      batch = follow(target, key, batch.getString("id"));
    }
    out.println(batch.encode());
    return batch.getString("state").equals("completed") || !await ? 0 : 1;
  }

  private JsonObject follow(TargetMixin target, String key, String id) throws IOException, InterruptedException {
    while (true) {
      HttpResponse<String> reply = get(target, key, "/v1/batches/" + id);
      JsonObject batch = new JsonObject(reply.body());
      if (reply.statusCode() != 200) {
        return batch;
      }
      JsonObject counts = batch.getJsonObject("counts");
      int lines = batch.getInteger("lines");
      int open = counts.getInteger("queued") + counts.getInteger("running");
      err.print("\r" + progressBar(lines - open, lines) + " " + batch.getString("state") + " "
          + batch.getString("cost_usd") + " USD" + (batch.containsKey("eta_seconds")
          ? ", about " + batch.getLong("eta_seconds") + " s left" : "") + "   ");
      String state = batch.getString("state");
      if (!state.equals("running") && !state.equals("paused") || open == 0) {
        err.println();
        return batch;
      }
      Thread.sleep(1000);
    }
  }

  /** {@code [#####.....] 50/100}: 30 cells. Pure. */
  static String progressBar(int done, int total) {
    int cells = total == 0 ? 30 : (int) ((long) done * 30 / total);
    return "[" + "#".repeat(cells) + ".".repeat(30 - cells) + "] " + done + "/" + total;
  }

  /** The batch's results JSONL, or null after saying on stderr why there are none (no key, a refusal). */
  private String fetchResults(String id, TargetMixin target) throws IOException, InterruptedException {
    String key = key(target);
    if (key == null) {
      return null;
    }
    HttpResponse<String> reply = get(target, key, "/v1/batches/" + id + "/results");
    if (reply.statusCode() != 200) {
      err.println("refused (" + reply.statusCode() + "): " + reply.body());
      return null;
    }
    return reply.body();
  }

  @Command(name = "results", mixinStandardHelpOptions = true,
      description = "Print the batch's results as JSONL (custom_id, status, code, images with their URLs, cost).")
  int results(@Parameters(paramLabel = "ID") String id, @CommandLine.Mixin TargetMixin target)
      throws IOException, InterruptedException {
    String results = fetchResults(id, target);
    if (results == null) {
      return 1;
    }
    out.print(results);
    return 0;
  }

  @Command(name = "download", mixinStandardHelpOptions = true,
      description = "Download every stored image of the batch into DIR as <custom_id>-<n>.png.")
  int download(@Parameters(paramLabel = "ID") String id, @CommandLine.Mixin TargetMixin target,
      @Option(names = "--dir", required = true, paramLabel = "DIR",
          description = "Directory to write the images to (created when missing).") Path dir) throws IOException, InterruptedException {
    String results = fetchResults(id, target);
    if (results == null) {
      return 1;
    }
    Files.createDirectories(dir);
    int saved = 0;
    int failed = 0;
    for (String row : results.split("\n")) {
      if (row.isBlank()) {
        continue;
      }
      JsonObject line = new JsonObject(row);
      var images = line.getJsonArray("images");
      for (int i = 0; i < images.size(); i++) {
        String url = images.getJsonObject(i).getString("url");
        Path file = dir.resolve(safeName(line.getString("custom_id")) + "-" + (i + 1) + ".png");
        HttpResponse<Path> image = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofFile(file));
        if (image.statusCode() == 200) {
          saved++;
        } else {
          Files.deleteIfExists(file);
          failed++;
        }
      }
    }
    err.println(saved + " images saved to " + dir + (failed > 0 ? ", " + failed + " failed" : ""));
    return failed == 0 ? 0 : 1;
  }

  /** A custom_id as a file name: letters, digits, dot, dash and underscore kept, anything else '_'. Pure. */
  static String safeName(String customId) {
    String name = customId.replaceAll("[^A-Za-z0-9._-]", "_");
    return name.isEmpty() || name.startsWith(".") ? "_" + name : name;
  }

  private String key(TargetMixin target) {
    String key = env.apply(target.keyEnv);
    if (key == null || key.isEmpty()) {
      err.println("environment variable " + target.keyEnv + " is not set");
      return null;
    }
    return key;
  }

  private HttpResponse<String> get(TargetMixin target, String key, String path) throws IOException,
      InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(target, path)).timeout(TIMEOUT).header("Api-Key", key).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(TargetMixin target, String path) {
    String base = target.url.endsWith("/") ? target.url.substring(0, target.url.length() - 1) : target.url;
    return URI.create(base + path);
  }

  /** {@code --url} and {@code --key-env}. */
  public static final class TargetMixin {
    @Option(names = "--url", required = true, paramLabel = "URL",
        description = "The gateway, e.g. http://localhost:8080.")
    String url;

    @Option(names = "--key-env", required = true, paramLabel = "VAR",
        description = "Environment variable holding the team's client key.")
    String keyEnv;
  }
}
