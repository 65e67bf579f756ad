package dev.ideogate.ops;

import dev.ideogate.api.SecretMasker;
import dev.ideogate.api.Sha256;
import dev.ideogate.api.MicroUsd;
import dev.ideogate.policy.PiiDetector;
import java.util.LinkedHashMap;
import java.util.Map;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import net.logstash.logback.argument.StructuredArgument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of ARCHITECTURE.md §9: one JSON line (logger {@code audit}) per client request and per admin action. The
 * line's {@code time} is the encoder's timestamp. A prompt is audited by its length and SHA-256 only, unless
 * {@code audit.includePrompts}; when the team's {@code pii} is {@code redact-logs}, personal data is masked
 * before anything derived from the prompt is computed, so not even the hash can confirm a guessed e-mail address.
 * Like every log line, audit lines pass the {@link SecretMasker}.
 */
public final class AuditLog {
  public static final String LOGGER = "audit";
  private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);

  private AuditLog() {}

  /** The fields of a request's audit line, in a stable order. */
  public static Map<String, Object> requestFields(RequestRecord r, boolean includePrompt, boolean redactPii) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("request_id", r.requestId());
    fields.put("action", r.action());
    fields.put("team", r.team());
    fields.put("client_key_id", r.clientKeyId());
    fields.put("endpoint", r.endpoint());
    fields.put("model", r.model());
    fields.put("images", r.images());
    fields.put("result", r.result());
    fields.put("code", r.code());
    fields.put("status", r.status());
    fields.put("cost_usd", MicroUsd.format(r.costMicroUsd()));
    fields.put("upstream_status", r.upstreamStatus());
    fields.put("queue_wait_ms", r.queueWaitMs());
    fields.put("duration_ms", r.durationNanos() / 1_000_000L);
    if (r.prompt() != null) {
      String prompt = redactPii ? PiiDetector.mask(r.prompt()) : r.prompt();
      fields.put("prompt_length", prompt.codePointCount(0, prompt.length()));
      fields.put("prompt_sha256", sha256(prompt));
      if (includePrompt) {
        fields.put("prompt", prompt);
      }
    }
    return fields;
  }

  /** The fields of an admin action's line (management port, config reloads). */
  public static Map<String, Object> adminFields(String requestId, String action, String clientKeyId, String result,
      String code, Map<String, Object> details) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("request_id", requestId);
    fields.put("action", action);
    fields.put("client_key_id", clientKeyId);
    fields.put("result", result);
    fields.put("code", code);
    fields.putAll(details);
    return fields;
  }

  public static void request(RequestRecord record, boolean includePrompt, boolean redactPii) {
    write(record.action(), requestFields(record, includePrompt, redactPii));
  }

  public static void admin(String requestId, String action, String clientKeyId, String result, String code,
      Map<String, Object> details) {
    write(action, adminFields(requestId, action, clientKeyId, result, code, details));
  }

  /** One line of a batch reached its end: the batch's own audit trail, line by line (ARCHITECTURE.md §13). */
  public static void batchLine(String team, String batchId, int line, String customId, String result, String code,
      int images, long costMicroUsd, long queueWaitMs) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("action", "batch.line");
    fields.put("team", team);
    fields.put("batch_id", batchId);
    fields.put("line", line);
    fields.put("custom_id", customId);
    fields.put("result", result);
    fields.put("code", code);
    fields.put("images", images);
    fields.put("cost_micro_usd", costMicroUsd);
    fields.put("queue_wait_ms", queueWaitMs);
    write("batch.line", fields);
  }

  private static void write(String action, Map<String, Object> fields) {
    AUDIT.info("{} {}", action, fields.get("result"), new Fields(fields));
  }

  /**
   * The fields as top-level JSON members, each written by its type. logstash's {@code StructuredArguments.entries}
   * writes every value through the ObjectMapper, which builds a serializer provider per value: fourteen per audit
   * line. Every value still goes through the generator the encoder hands over, so the masking of logback.xml (the
   * {@link SecretMasker}) sees each one.
   */
  private record Fields(Map<String, Object> fields) implements StructuredArgument {
    @Override
    public void writeTo(JsonGenerator out) throws IOException {
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        out.writeFieldName(field.getKey());
        Object value = field.getValue();
        if (value == null) {
          out.writeNull();
        } else if (value instanceof String text) {
          out.writeString(text);
        } else if (value instanceof Integer number) {
          out.writeNumber(number);
        } else if (value instanceof Long number) {
          out.writeNumber(number);
        } else if (value instanceof Boolean flag) {
          out.writeBoolean(flag);
        } else {
          out.writeObject(value); // an admin action's details: lists, maps
        }
      }
    }

    @Override
    public String toString() {
      return fields.toString();
    }
  }

  static String sha256(String text) {
    return Sha256.hex(text);
  }
}
