package dev.ideogate.batch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The terminal outcome of one line: its state, the error code and message when it did not succeed (ARCHITECTURE.md
 * §6 codes), the object-store keys of its images, what it cost and how long it waited on the lane.
 */
public record LineResult(int number, String customId, LineState state, String code, String message,
    List<String> imageKeys, long costMicroUsd, long queueWaitMs) {

  public LineResult {
    imageKeys = List.copyOf(imageKeys);
  }

  public static LineResult failed(BatchLine line, LineState state, String code, String message, long costMicroUsd) {
    return new LineResult(line.number(), line.customId(), state, code, message, List.of(), costMicroUsd, 0);
  }

  public String toJson() {
    return new JsonObject().put("n", number).put("custom_id", customId).put("state", state.wire())
        .put("code", code).put("message", message).put("images", new JsonArray(imageKeys))
        .put("cost_micro_usd", costMicroUsd).put("queue_wait_ms", queueWaitMs).encode();
  }

  public static LineResult fromJson(String json) {
    JsonObject o = new JsonObject(json);
    return new LineResult(o.getInteger("n"), o.getString("custom_id"), LineState.fromWire(o.getString("state")),
        o.getString("code"), o.getString("message"),
        o.getJsonArray("images", new JsonArray()).stream().map(String::valueOf).toList(),
        o.getLong("cost_micro_usd", 0L), o.getLong("queue_wait_ms", 0L));
  }
}
