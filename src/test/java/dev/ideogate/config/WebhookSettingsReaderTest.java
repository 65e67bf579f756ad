package dev.ideogate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSettingsReaderTest {
  private static final String SECRET = "s3cret-webhook-0123456789";

  private static String yaml(String teamExtra) {
    return "teams:\n  alpha:\n    upstreamKey: k-0123456789\n    dailyBudgetUsd: \"10\"\n    allowedModels: [V_4]\n"
        + "    allowedStyles: [AUTO]\n" + teamExtra;
  }

  @Test
  void readsTheSecretFromANamedVariableAndTheAlerts() {
    GatewayConfig config = ConfigLoader.parse(yaml("    webhookSecretEnv: ALPHA_HOOK\n"
        + "    alerts: { webhookUrl: \"https://hooks.example.com/budget\", thresholds: [50, 90, 100] }\n"),
        Map.of("ALPHA_HOOK", SECRET)::get);
    TeamConfig alpha = config.team("alpha");
    assertEquals(SECRET, alpha.webhookSecret());
    assertEquals(new TeamConfig.Alerts("https://hooks.example.com/budget", List.of(50, 90, 100)), alpha.alerts());
    assertFalse(alpha.toString().contains(SECRET));
  }

  @Test
  void defaultsToNoSecretAndAlertsAt80And100Percent() {
    TeamConfig alpha = ConfigLoader.parse(yaml(""), name -> null).team("alpha");
    assertFalse(alpha.hasWebhookSecret());
    assertEquals(TeamConfig.Alerts.DEFAULT, alpha.alerts());
  }

  @Test
  void refusesBothSecretFormsAShortSecretAndAnUnsetVariableWithoutShowingTheSecret() {
    ConfigException both = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
        yaml("    webhookSecret: \"" + SECRET + "\"\n    webhookSecretEnv: X\n"), Map.of("X", SECRET)::get));
    assertTrue(both.errors().get(0).contains("not both"), both.errors().toString());
    ConfigException shortOne = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(yaml("    webhookSecret: short\n"), name -> null));
    assertTrue(shortOne.errors().get(0).contains("at least 16"), shortOne.errors().toString());
    assertFalse(shortOne.errors().toString().contains("short\""));
    ConfigException unset = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(yaml("    webhookSecretEnv: NOPE\n"), name -> null));
    assertTrue(unset.errors().get(0).contains("NOPE"), unset.errors().toString());
  }
}
