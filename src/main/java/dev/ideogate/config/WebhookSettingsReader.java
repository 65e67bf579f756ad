package dev.ideogate.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a team's webhook settings (issue 10): {@code webhookSecret} (usually {@code "${ENV_VAR}"}) or
 * {@code webhookSecretEnv} (the name of the variable), at most one; and {@code alerts: {webhookUrl, thresholds}}.
 * A secret shorter than 16 characters is refused: it signs every webhook the team receives.
 */
final class WebhookSettingsReader {
  static final int MIN_SECRET_CHARS = 16;

  private WebhookSettingsReader() {}

  static String secret(ConfigSection team) {
    String inline = team.scalar("webhookSecret").orElse(null);
    String envName = team.scalar("webhookSecretEnv").orElse(null);
    if (inline != null && envName != null) {
      team.error("webhookSecretEnv", "give webhookSecret or webhookSecretEnv, not both");
      return "";
    }
    String secret = inline;
    if (envName != null) {
      secret = team.env(envName);
      if (secret == null || secret.isBlank()) {
        team.error("webhookSecretEnv", "environment variable " + envName + " is not set");
        return "";
      }
    }
    if (secret == null) {
      return "";
    }
    secret = secret.trim();
    if (secret.length() < MIN_SECRET_CHARS) {
      // the message never shows the secret, only its length
      team.error(envName != null ? "webhookSecretEnv" : "webhookSecret",
          "must be at least " + MIN_SECRET_CHARS + " characters, got " + secret.length());
    }
    dev.ideogate.api.SecretMasker.register(secret);
    return secret;
  }

  static TeamConfig.Alerts alerts(ConfigSection team) {
    boolean present = team.has("alerts");
    ConfigSection alerts = team.child("alerts");
    if (!present) {
      return TeamConfig.Alerts.DEFAULT;
    }
    String url = alerts.string("webhookUrl", "").trim();
    if (!url.isEmpty() && !url.matches("(?i)https?://[^\\s]+")) {
      alerts.error("webhookUrl", "must be an http or https URL");
    }
    List<Integer> thresholds = new ArrayList<>();
    for (String text : alerts.list("thresholds").orElse(List.of("80", "100"))) {
      try {
        int value = Integer.parseInt(text.trim().replace("%", ""));
        if (value < 1 || value > 1000) {
          alerts.error("thresholds", "each threshold must be between 1 and 1000 (percent), got " + value);
        } else if (!thresholds.contains(value)) {
          thresholds.add(value);
        }
      } catch (NumberFormatException e) {
        alerts.error("thresholds", "each threshold must be a whole percentage such as 80, got '" + text + "'");
      }
    }
    alerts.rejectUnknownKeys();
    return new TeamConfig.Alerts(url, thresholds);
  }
}
