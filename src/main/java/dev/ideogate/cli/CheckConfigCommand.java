package dev.ideogate.cli;

import dev.ideogate.config.ConfigException;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.GatewayConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ideogate check-config}: validates a config as {@code serve} would and lists every error; exit 1 on any. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
    description = "Validate a config file (env substitution included) and print every error.")
public final class CheckConfigCommand implements Callable<Integer> {
  private final Function<String, String> env;
  @Spec CommandSpec spec;

  @Option(names = "--config", defaultValue = "conf/ideogate.yaml", description = "default: ${DEFAULT-VALUE}")
  Path config;

  public CheckConfigCommand() {
    this(System::getenv);
  }

  public CheckConfigCommand(Function<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      GatewayConfig loaded = ConfigLoader.load(config, env);
      out.println("OK: " + loaded.teams().size() + " teams (" + String.join(", ", loaded.teams().keySet())
          + "), environment " + loaded.environment());
      return 0;
    } catch (ConfigException e) {
      out.println(config + ": " + e.errors().size() + " error(s)");
      e.errors().forEach(error -> out.println("  " + error));
      return 1;
    } finally {
      out.flush();
    }
  }
}
