package dev.ideogate.batch;

import io.vertx.core.json.JsonObject;

/**
 * One validated request of a batch: its 1-based line number in the submitted JSONL, the client's {@code custom_id},
 * the Ideogram path and the JSON body sent upstream unchanged.
 */
public record BatchLine(int number, String customId, String endpoint, String body) {

  public String toJson() {
    return new JsonObject().put("n", number).put("custom_id", customId).put("endpoint", endpoint).put("body", body)
        .encode();
  }

  public static BatchLine fromJson(String json) {
    JsonObject o = new JsonObject(json);
    return new BatchLine(o.getInteger("n"), o.getString("custom_id"), o.getString("endpoint"), o.getString("body"));
  }
}
