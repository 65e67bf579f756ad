package dev.ideogate.cli;

import dev.ideogate.async.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code ideogate webhook verify --secret-env VAR --signature '<Ideogate-Signature header>' --delivery-id
 * '<Ideogate-Delivery-Id header>' < body}: exits 0 when the header signs the delivery id and the body read from
 * stdin with the secret in {@code $VAR}, within the replay window; 1
 * otherwise (constant-time compare). The secret is read from the environment, never from the command line (it
 * would show in {@code ps} and shell history), and is never printed.
 */
@Command(name = "webhook", mixinStandardHelpOptions = true,
    description = "Tools for the webhooks Ideogate sends (signature: Ideogate-Signature: t=<unix>,v1=<hex HMAC-SHA256"
        + " of t.deliveryId.body>).")
public final class WebhookCommand implements Callable<Integer> {
  private final Function<String, String> env;
  private final InputStream in;
  private final PrintStream err;
  private final LongSupplier clockS;
  @Spec CommandSpec spec;

  public WebhookCommand() {
    this(System::getenv, System.in, System.err, () -> System.currentTimeMillis() / 1000);
  }

  public WebhookCommand(Function<String, String> env, InputStream in, PrintStream err, LongSupplier clockS) {
    this.env = env;
    this.in = in;
    this.err = err;
    this.clockS = clockS;
  }

  /** {@code webhook} alone names no action: a usage error (exit 2), with the usage on stderr. */
  @Override
  public Integer call() {
    spec.commandLine().usage(err);
    return CommandLine.ExitCode.USAGE;
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Verify a webhook body (stdin) and its delivery id against its Ideogate-Signature header; exit 0"
          + " valid, 1 invalid.")
  int verify(
      @Option(names = "--secret-env", required = true, paramLabel = "VAR",
          description = "Environment variable holding the team's webhook secret.") String secretEnv,
      @Option(names = "--signature", required = true, paramLabel = "HEADER",
          description = "The Ideogate-Signature header value, e.g. 't=1700000000,v1=5f…'.") String signature,
      @Option(names = "--delivery-id", required = true, paramLabel = "ID",
          description = "The Ideogate-Delivery-Id header value (it is signed too).") String deliveryId,
      @Option(names = "--tolerance", defaultValue = "300", paramLabel = "SECONDS",
          description = "Replay window: the most the timestamp may differ from now (default: ${DEFAULT-VALUE}).")
          long toleranceS) {
    String secret = env.apply(secretEnv);
    if (secret == null || secret.isEmpty()) {
      err.println("invalid: environment variable " + secretEnv + " is not set");
      return 1;
    }
    byte[] body;
    try {
      body = in.readAllBytes();
    } catch (IOException e) {
      err.println("invalid: cannot read the body from stdin");
      return 1;
    }
    if (WebhookSignature.verify(secret, signature, deliveryId, body, clockS.getAsLong(), toleranceS)) {
      err.println("valid");
      return 0;
    }
    err.println("invalid: signature does not match, or its timestamp is outside the " + toleranceS + " s window");
    return 1;
  }
}
