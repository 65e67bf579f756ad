package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.api.SecretMasker;
import dev.ideogate.policy.ClientKeys;
import io.vertx.core.json.JsonObject;
import java.util.List;
import net.logstash.logback.argument.StructuredArguments;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The redaction layer as production configures it (logback.xml's encoder with {@link SecretMasker}): a client key
 * ({@code igk_…}) or a registered upstream key is masked wherever it appears in a line: message, arguments,
 * structured fields, exception messages and stack traces.
 */
class LogRedactionTest {
  private static final Logger LOG = LoggerFactory.getLogger(LogRedactionTest.class);

  @Test
  void masksClientKeysAndRegisteredUpstreamKeysEverywhereInALine() {
    String clientKey = ClientKeys.newKey("prod");
    String upstreamKey = "ideo-" + ClientKeys.newKey("x").substring(6);
    SecretMasker.register(upstreamKey);
    List<String> lines;
    try (LogCapture logs = LogCapture.attach()) {
      LOG.info("presented {} for upstream {}", clientKey, upstreamKey);
      LOG.warn("call failed", StructuredArguments.kv("api_key", upstreamKey), StructuredArguments.kv("request_id", "r-1"));
      LOG.error("boom", new IllegalStateException("upstream refused key " + upstreamKey + " and " + clientKey));
      lines = logs.lines().stream().filter(l -> l.contains(LogRedactionTest.class.getName())).toList();
    }
    assertEquals(3, lines.size());
    for (String line : lines) {
      assertFalse(line.contains(clientKey), line);
      assertFalse(line.contains(upstreamKey), line);
    }
    JsonObject first = new JsonObject(lines.get(0));
    assertEquals("presented igk_**** for upstream ****", first.getString("message"));
    JsonObject second = new JsonObject(lines.get(1));
    assertEquals("****", second.getString("api_key"));
    assertEquals("r-1", second.getString("request_id"), "ordinary values pass unchanged");
    assertTrue(new JsonObject(lines.get(2)).getString("stack_trace").contains("upstream refused key ****"));
  }

  @Test
  void leavesShortAndOrdinaryTextAlone() {
    SecretMasker.register("short");
    assertEquals("a short prompt about igk", SecretMasker.maskText("a short prompt about igk"));
  }
}
