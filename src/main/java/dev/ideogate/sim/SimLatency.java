package dev.ideogate.sim;

import java.util.Map;

/**
 * How long Ideogram takes to answer, by model and rendering speed (ideogram-api.md §5: third-party figures of
 * 2-4 s for FLASH up to 15-25 s for QUALITY, 5-15 s typical), scaled by the simulator's time scale.
 */
final class SimLatency {
  private static final Map<String, Long> LEGACY_BY_MODEL_MS = Map.of(
      "V_1", 5_000L, "V_1_TURBO", 2_500L, "V_2", 6_000L, "V_2_TURBO", 3_000L,
      "V_2A", 5_000L, "V_2A_TURBO", 2_500L, "V_3", 6_000L, "AUTO", 6_000L);
  private static final Map<String, Long> BY_SPEED_MS = Map.of(
      "FLASH", 2_000L, "TURBO", 3_000L, "BALANCED", 6_000L, "DEFAULT", 6_000L, "QUALITY", 12_000L);
  private static final long UPSCALE_MS = 5_000L;
  private static final long DESCRIBE_MS = 1_000L;

  private SimLatency() {}

  /** The delay to simulate: the knob's exact latencyMs when set, else the nominal latency × timeScale. */
  static long delayMs(SimRequest request, double timeScale, SimulatorKnobs knobs) {
    if (knobs.latencyMs() != null) {
      return knobs.latencyMs();
    }
    return Math.round(nominalMs(request) * timeScale);
  }

  static long nominalMs(SimRequest request) {
    switch (request.endpoint().family()) {
      case LEGACY:
        return LEGACY_BY_MODEL_MS.getOrDefault(request.model(), 6_000L);
      case UPSCALE:
        return UPSCALE_MS;
      case DESCRIBE:
        return DESCRIBE_MS;
      default:
        return BY_SPEED_MS.getOrDefault(request.renderingSpeed() == null ? "DEFAULT" : request.renderingSpeed(),
            6_000L);
    }
  }
}
