package dev.ideogate.cli;

import dev.ideogate.ops.BuildInfo;
import dev.ideogate.sim.SimulateCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code ideogate serve | simulate | keys | check-config}; {@code serve} when no subcommand is given. */
@Command(
    name = "ideogate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A gateway that lets many teams share the Ideogram image API safely.",
    subcommands = {
      ServeCommand.class,
      SimulateCommand.class,
      KeysCommand.class,
      CheckConfigCommand.class,
      WebhookCommand.class,
      BatchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    String[] effective = args.length == 0 || args[0].startsWith("--") && !isTopLevelOption(args[0])
        ? prepend("serve", args)
        : args;
    int exit = commandLine().execute(effective);
    if (exit != 0 || !"serve".equals(effective[0]) && !"simulate".equals(effective[0])) {
      System.exit(exit);
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * The command tree with the exit codes of ARCHITECTURE.md §9: 0 done, 1 invalid input or a failure (one line on
   * stderr, no stack trace: a busy port, a missing file, an unreadable secret), 2 a usage error (picocli's default).
   */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("error: " + CliErrors.oneLine(e));
      cmd.getErr().flush();
      return CommandLine.ExitCode.SOFTWARE;
    });
    return commandLine;
  }

  private static boolean isTopLevelOption(String arg) {
    return arg.equals("--help") || arg.equals("-h") || arg.equals("--version") || arg.equals("-V");
  }

  private static String[] prepend(String first, String[] rest) {
    String[] out = new String[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  /** The pom's version and the git commit of the build ({@link BuildInfo}). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      BuildInfo build = BuildInfo.current();
      return new String[] {"ideogate " + build.version() + " (commit " + build.commit() + ")"};
    }
  }
}
