package dev.ideogate.batch;

import dev.ideogate.api.MicroUsd;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;

/**
 * One batch as its store holds it (ARCHITECTURE.md §13).
 *
 * @param webhookUrl where the completion is delivered (signed, like async results); empty for none
 * @param retentionMs how long the batch, its results and its images are kept after it finished
 * @param pausedUntilMs while PAUSED, when the next budget window opens
 * @param counts lines per state; they add up to lineCount
 * @param costMicroUsd what its terminal lines cost so far
 * @param finishedAtMs when the last line ended (0 while open)
 */
public record Batch(String id, String team, BatchState state, OnBudget onBudget, String webhookUrl, long createdAtMs,
    long retentionMs, long pausedUntilMs, int lineCount, Map<LineState, Integer> counts, long costMicroUsd,
    long finishedAtMs) {

  public Batch {
    EnumMap<LineState, Integer> all = new EnumMap<>(LineState.class);
    for (LineState s : LineState.values()) {
      all.put(s, counts.getOrDefault(s, 0));
    }
    counts = Map.copyOf(all);
  }

  public int count(LineState state) {
    return counts.get(state);
  }

  public int open() {
    return count(LineState.QUEUED) + count(LineState.RUNNING);
  }

  /**
   * The client's view. {@code eta_seconds}: the open lines at the rate {@code linesPerSecond} the batch has
   * finished lines so far; absent before the first line ended.
   */
  public JsonObject toJson(long nowMs) {
    JsonObject byState = new JsonObject();
    for (LineState s : LineState.values()) {
      byState.put(s.wire(), count(s));
    }
    JsonObject json = new JsonObject().put("id", id).put("object", "batch").put("state", state.wire())
        .put("on_budget", onBudget.wire()).put("lines", lineCount).put("counts", byState)
        .put("cost_usd", MicroUsd.format(costMicroUsd)).put("created_at", createdAtMs / 1000)
        .put("retention_seconds", retentionMs / 1000);
    if (state == BatchState.PAUSED) {
      json.put("paused_until", pausedUntilMs / 1000);
    }
    if (finishedAtMs > 0) {
      json.put("finished_at", finishedAtMs / 1000);
    }
    int done = lineCount - open();
    long elapsedMs = nowMs - createdAtMs;
    if (state.open() && done > 0 && elapsedMs > 0) {
      json.put("eta_seconds", (long) Math.ceil(open() * (elapsedMs / 1000.0) / done));
    }
    return json;
  }
}
