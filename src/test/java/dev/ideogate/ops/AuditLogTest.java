package dev.ideogate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import java.util.Map;
import dev.ideogate.api.SecretMasker;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The audit line's fields (ARCHITECTURE.md §9), computed without I/O. */
class AuditLogTest {
  private static final String PROMPT = "poster for jane.doe@example.com, call +44 20 7946 0958";

  private static RequestRecord record(String prompt) {
    return new RequestRecord("req-1", "marketing", "marketing-batch", "generate", "images.generate", "V_2_TURBO", 2,
        200, "ok", 100_000, 200, 12L, 345_000_000L, prompt);
  }

  @Test
  void auditsThePromptByLengthAndHashOnly() {
    Map<String, Object> fields = AuditLog.requestFields(record("a red kite"), false, false);
    assertEquals(10, fields.get("prompt_length"));
    assertEquals(AuditLog.sha256("a red kite"), fields.get("prompt_sha256"));
    assertFalse(fields.containsKey("prompt"));
    assertEquals("0.10", fields.get("cost_usd"));
    assertEquals(345L, fields.get("duration_ms"));
    assertEquals("success", fields.get("result"));
  }

  @Test
  void includesThePromptOnlyWhenConfigured() {
    assertEquals("a red kite", AuditLog.requestFields(record("a red kite"), true, false).get("prompt"));
  }

  @Test
  void masksPersonalDataBeforeAnythingPromptDerivedWhenTheTeamRedactsLogs() {
    Map<String, Object> fields = AuditLog.requestFields(record(PROMPT), true, true);
    String masked = "poster for [email], call [phone]";
    assertEquals(masked, fields.get("prompt"));
    assertEquals(AuditLog.sha256(masked), fields.get("prompt_sha256"));
    assertEquals(masked.length(), fields.get("prompt_length"));
  }

  @Test
  void writesNoPromptFieldsWhenTheRequestHadNoPrompt() {
    Map<String, Object> fields = AuditLog.requestFields(
        new RequestRecord("req-2", null, null, "other", "http.request", null, 0, 404, "not_found", 0, null, null, 1, null),
        true, true);
    assertFalse(fields.containsKey("prompt_sha256"));
    assertNull(fields.get("team"));
    assertEquals("error", fields.get("result"));
  }

  @Test
  void theEncodedLineKeepsEachFieldsTypeAndMasksSecretsInEveryStringValue() {
    String clientKey = "igk_dev_marketing_Zq8xAuditKey0123456789";
    String upstreamKey = "sim-key-audit-7f3e9a1c5b2d";
    SecretMasker.register(upstreamKey);
    RequestRecord record = new RequestRecord(clientKey, "marketing", "key " + upstreamKey, "generate",
        "images.generate", "V_2_TURBO", 2, 200, "ok", 100_000, 200, 12L, 345_000_000L, "a red kite");
    try (LogCapture capture = LogCapture.attach()) {
      AuditLog.request(record, false, false);
      JsonObject line = capture.audit().stream().filter(l -> "images.generate".equals(l.getString("action")))
          .findFirst().orElseThrow();
      assertEquals("igk_****", line.getString("request_id"));
      assertEquals("key ****", line.getString("client_key_id"));
      assertEquals(2, line.getValue("images"));
      assertEquals(200, line.getValue("status"));
      assertEquals("0.10", line.getValue("cost_usd"));
      assertEquals(345, line.getValue("duration_ms"));
      assertEquals(10, line.getValue("prompt_length"));
      capture.assertNoSecrets(java.util.List.of(clientKey, upstreamKey));
    }
  }
}
