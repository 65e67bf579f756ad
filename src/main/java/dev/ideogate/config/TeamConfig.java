package dev.ideogate.config;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One team (DESIGN §4). The id is the YAML key and is what Redis keys, metric labels and audit lines use.
 *
 * @param allowedModels legacy model enum values, or V_3 / V_4 for the versioned paths
 * @param allowedStyles style_type values; AUTO is always allowed
 * @param allowedSpeeds rendering_speed values; empty = every speed
 * @param monthlyBudgetMicroUsd empty when the team has only a daily budget
 * @param pii block | redact-logs | allow
 */
public record TeamConfig(
    String id,
    String name,
    String upstreamKey,
    long dailyBudgetMicroUsd,
    OptionalLong monthlyBudgetMicroUsd,
    Set<String> allowedModels,
    Set<String> allowedStyles,
    Set<String> allowedSpeeds,
    int maxConcurrency,
    int maxQueued,
    Duration maxQueueWait,
    String contentPolicy,
    String pii,
    RateLimit rateLimit,
    List<ClientKeyConfig> clientKeys) {

  /** perMinute = 0 means no limit. */
  public record RateLimit(int perMinute, int burst) {
    public static final RateLimit NONE = new RateLimit(0, 0);

    public boolean enabled() {
      return perMinute > 0;
    }
  }
}
