package dev.ideogate.sim;

import java.util.Map;

/**
 * What Ideogram charges for a request, in micro-USD (ideogram-api.md §6): a unit price by family, model or
 * rendering speed, character reference and upscale factor, × num_images for per-output endpoints and × 1 for
 * upscale and describe. The gateway has its own configurable pricing; this one only drives the simulated credits.
 */
final class SimPricing {
  private static final Map<String, Long> LEGACY_BY_MODEL = Map.of(
      "V_1", 60_000L, "V_1_TURBO", 20_000L, "V_2", 80_000L, "V_2_TURBO", 50_000L,
      "V_2A", 40_000L, "V_2A_TURBO", 25_000L, "V_3", 60_000L, "AUTO", 80_000L);
  private static final Map<String, Long> V3_BY_SPEED = Map.of(
      "FLASH", 30_000L, "TURBO", 30_000L, "BALANCED", 60_000L, "DEFAULT", 60_000L, "QUALITY", 90_000L);
  private static final Map<String, Long> V3_CHARACTER_BY_SPEED = Map.of(
      "FLASH", 100_000L, "TURBO", 100_000L, "BALANCED", 150_000L, "DEFAULT", 150_000L, "QUALITY", 200_000L);
  private static final Map<String, Long> V4_BY_SPEED = Map.of(
      "TURBO", 30_000L, "BALANCED", 60_000L, "DEFAULT", 60_000L, "QUALITY", 100_000L);
  /** Transparent X1 prices; X2 adds 0.12 and X4 adds 0.16 at every speed (S4). */
  private static final Map<String, Long> TRANSPARENT_X1_BY_SPEED = Map.of(
      "TURBO", 40_000L, "BALANCED", 70_000L, "DEFAULT", 70_000L, "QUALITY", 100_000L);
  private static final Map<String, Long> TRANSPARENT_UPSCALE_SURCHARGE = Map.of(
      "X1", 0L, "X2", 120_000L, "X4", 160_000L);
  private static final long UPSCALE = 60_000L;
  private static final long DESCRIBE = 10_000L;

  private SimPricing() {}

  static long priceMicroUsd(SimRequest request) {
    long unit = unitMicroUsd(request);
    return request.endpoint().perInput() ? unit : unit * request.numImages();
  }

  static long unitMicroUsd(SimRequest request) {
    String speed = request.renderingSpeed() == null ? "DEFAULT" : request.renderingSpeed();
    switch (request.endpoint().family()) {
      case LEGACY:
        return LEGACY_BY_MODEL.getOrDefault(request.model(), LEGACY_BY_MODEL.get("V_2"));
      case V3:
        return (request.characterReference() ? V3_CHARACTER_BY_SPEED : V3_BY_SPEED).get(speed);
      case V3_TRANSPARENT:
        String factor = request.upscaleFactor() == null ? "X1" : request.upscaleFactor();
        return TRANSPARENT_X1_BY_SPEED.get(speed) + TRANSPARENT_UPSCALE_SURCHARGE.get(factor);
      case V4:
        return V4_BY_SPEED.get(speed);
      case UPSCALE:
        return UPSCALE;
      case DESCRIBE:
        return DESCRIBE;
      default:
        throw new IllegalStateException("no price for " + request.endpoint());
    }
  }
}
