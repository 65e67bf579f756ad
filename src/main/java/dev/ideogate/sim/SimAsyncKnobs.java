package dev.ideogate.sim;

/**
 * Knobs for async generations and their webhooks. Rates are probabilities in [0, 1] drawn per generation.
 *
 * @param webhookDropRate share of webhooks never sent (the generation still completes: polling sees it)
 * @param webhookDuplicateRate share of webhooks sent twice
 * @param webhookDelayMs extra delay between completion and the webhook (exact ms, not time-scaled)
 * @param failRate share of generations that end {@code failed} (not billed: credits refunded)
 * @param latencyMs exact time to completion, replacing the model's latency; null = model latency × timeScale
 */
public record SimAsyncKnobs(
    double webhookDropRate, double webhookDuplicateRate, long webhookDelayMs, double failRate, Long latencyMs) {

  public static final SimAsyncKnobs NONE = new SimAsyncKnobs(0, 0, 0, 0, null);

  public SimAsyncKnobs {
    rate("webhookDropRate", webhookDropRate);
    rate("webhookDuplicateRate", webhookDuplicateRate);
    rate("failRate", failRate);
    if (webhookDelayMs < 0 || latencyMs != null && latencyMs < 0) {
      throw new IllegalArgumentException("webhookDelayMs and latencyMs must be ≥ 0");
    }
  }

  private static void rate(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be between 0 and 1, got " + value);
    }
  }
}
