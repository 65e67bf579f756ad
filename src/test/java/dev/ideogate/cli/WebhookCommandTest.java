package dev.ideogate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import dev.ideogate.async.WebhookSignature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WebhookCommandTest {
  private static final String SECRET = "whsec-0123456789abcdef";
  private static final byte[] BODY = "{\"generation_id\":\"gen_1\"}".getBytes(StandardCharsets.UTF_8);
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(byte[] body, long nowS, String... args) {
    WebhookCommand command = new WebhookCommand(Map.of("WH_SECRET", SECRET)::get, new ByteArrayInputStream(body),
        new PrintStream(err, true, StandardCharsets.UTF_8), () -> nowS);
    return new CommandLine(command).execute(args);
  }

  @Test
  void exitsZeroForAValidSignatureAndOneOtherwise() {
    String header = WebhookSignature.header(SECRET, 1_000, "dlv_1", BODY);
    String[] id = {"--delivery-id", "dlv_1"};
    assertEquals(0, run(BODY, 1_100, "verify", "--secret-env", "WH_SECRET", "--signature", header, id[0], id[1]));
    assertEquals(1, run("{}".getBytes(StandardCharsets.UTF_8), 1_100, "verify", "--secret-env", "WH_SECRET",
        "--signature", header, id[0], id[1]));
    assertEquals(1, run(BODY, 1_100, "verify", "--secret-env", "WH_SECRET", "--signature", header, id[0], "dlv_2"),
        "the same delivery under another id");
    assertEquals(1, run(BODY, 1_400, "verify", "--secret-env", "WH_SECRET", "--signature", header, id[0], id[1]),
        "stale");
    assertEquals(0, run(BODY, 1_400, "verify", "--secret-env", "WH_SECRET", "--signature", header, id[0], id[1],
        "--tolerance", "600"));
    assertEquals(1, run(BODY, 1_100, "verify", "--secret-env", "UNSET", "--signature", header, id[0], id[1]));
    assertFalse(err.toString(StandardCharsets.UTF_8).contains(SECRET), "the secret is never printed");
  }
}
