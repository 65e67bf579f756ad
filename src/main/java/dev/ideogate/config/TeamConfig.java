package dev.ideogate.config;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One team (ARCHITECTURE.md §4). The id is the YAML key and is what Redis keys, metric labels and audit lines use.
 *
 * @param allowedModels legacy model enum values, or V_3 / V_4 for the versioned paths
 * @param allowedStyles style_type values; AUTO is always allowed
 * @param allowedSpeeds rendering_speed values; empty = every speed
 * @param monthlyBudgetMicroUsd empty when the team has only a daily budget
 * @param pii block | redact-logs | allow
 * @param webhookSecret the HMAC key that signs every webhook Ideogate sends this team; empty = none configured
 *     (then async requests with a webhook_url are refused). Never logged.
 * @param alerts where and when budget alerts go
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
    List<ClientKeyConfig> clientKeys,
    String webhookSecret,
    Alerts alerts) {

  /** The constructor of the first config version: no webhook secret, default alerts without a webhook. */
  public TeamConfig(String id, String name, String upstreamKey, long dailyBudgetMicroUsd,
      OptionalLong monthlyBudgetMicroUsd, Set<String> allowedModels, Set<String> allowedStyles,
      Set<String> allowedSpeeds, int maxConcurrency, int maxQueued, Duration maxQueueWait, String contentPolicy,
      String pii, RateLimit rateLimit, List<ClientKeyConfig> clientKeys) {
    this(id, name, upstreamKey, dailyBudgetMicroUsd, monthlyBudgetMicroUsd, allowedModels, allowedStyles,
        allowedSpeeds, maxConcurrency, maxQueued, maxQueueWait, contentPolicy, pii, rateLimit, clientKeys, "",
        Alerts.DEFAULT);
  }

  /** Whether webhooks to this team can be signed. */
  public boolean hasWebhookSecret() {
    return webhookSecret != null && !webhookSecret.isEmpty();
  }

  /**
   * Budget alerts: each threshold (percent of a window's limit) fires once per team and window.
   *
   * @param webhookUrl where the signed alert is POSTed; empty = log line only
   */
  public record Alerts(String webhookUrl, List<Integer> thresholdsPercent) {
    public static final Alerts DEFAULT = new Alerts("", List.of(80, 100));

    public Alerts {
      webhookUrl = webhookUrl == null ? "" : webhookUrl;
      thresholdsPercent = List.copyOf(thresholdsPercent);
      for (int threshold : thresholdsPercent) {
        if (threshold < 1 || threshold > 1000) {
          throw new IllegalArgumentException("alert thresholds must be between 1 and 1000 %, got " + threshold);
        }
      }
    }
  }

  @Override
  public String toString() { // never print the upstream key or the webhook secret
    return "TeamConfig[" + id + "]";
  }

  /** perMinute = 0 means no limit. */
  public record RateLimit(int perMinute, int burst) {
    public static final RateLimit NONE = new RateLimit(0, 0);

    public boolean enabled() {
      return perMinute > 0;
    }
  }
}
