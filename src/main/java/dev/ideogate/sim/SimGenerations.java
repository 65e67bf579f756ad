package dev.ideogate.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's async generations by id, each owned by the account (key fingerprint) that created it, and the
 * counts of what happened to their webhooks.
 */
public final class SimGenerations {
  /** One generation: pending until completed or failed. */
  record Generation(String id, String owner, String created, String status, JsonArray data) {
    /** The poll and webhook body (ideogram-api.md §4.3); data only when completed. */
    JsonObject body() {
      JsonObject body = new JsonObject().put("generation_id", id).put("status", status).put("created", created)
          .put("response_type", "url");
      if ("completed".equals(status)) {
        body.put("data", data);
      }
      return body;
    }
  }

  private final Map<String, Generation> byId = new ConcurrentHashMap<>();
  final AtomicLong webhooksSent = new AtomicLong();
  final AtomicLong webhooksDropped = new AtomicLong();
  final AtomicLong webhooksDuplicated = new AtomicLong();
  final AtomicLong webhooksFailed = new AtomicLong();

  void put(Generation generation) {
    byId.put(generation.id(), generation);
  }

  /** The generation if it exists and belongs to {@code owner}; another account's id reads as unknown. */
  Generation find(String id, String owner) {
    Generation generation = byId.get(id);
    return generation != null && generation.owner().equals(owner) ? generation : null;
  }

  /** What the webhooks did: sent (each POST, duplicates included), dropped, duplicated, failed to reach. */
  public Map<String, Long> webhookStats() {
    return Map.of("sent", webhooksSent.get(), "dropped", webhooksDropped.get(), "duplicated",
        webhooksDuplicated.get(), "failed", webhooksFailed.get());
  }

  public long count() {
    return byId.size();
  }

  public long count(String status) {
    return byId.values().stream().filter(g -> g.status().equals(status)).count();
  }
}
