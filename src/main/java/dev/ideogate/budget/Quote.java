package dev.ideogate.budget;

import java.util.Objects;
import java.util.Set;

/**
 * The price of one request before it runs (ARCHITECTURE.md §7): the unit price under {@code priceKey} (a key of
 * {@code pricing.yaml}), the number of units, and their product, which is what the budget reserves.
 *
 * @param units num_images for per-output endpoints, 1 for per-input ones (upscale, describe)
 */
public record Quote(String priceKey, long unitMicroUsd, int units, long worstCaseMicroUsd) {

  /** Price keys billed once per submitted input rather than per output image. */
  static final Set<String> PER_INPUT_KEYS = Set.of(Pricing.UPSCALE, Pricing.DESCRIBE);

  public Quote {
    Objects.requireNonNull(priceKey, "priceKey");
    if (unitMicroUsd < 0) {
      throw new IllegalArgumentException("unitMicroUsd must be ≥ 0, got " + unitMicroUsd);
    }
    if (units < 1 || units > 8) {
      throw new IllegalArgumentException("units must be between 1 and 8, got " + units);
    }
    if (worstCaseMicroUsd != Math.multiplyExact(unitMicroUsd, units)) {
      throw new IllegalArgumentException(
          "worstCaseMicroUsd must be unitMicroUsd × units = " + unitMicroUsd * units + ", got " + worstCaseMicroUsd);
    }
  }

  /** Billed once per input (upscale, describe): the price does not depend on the images returned. */
  public boolean perInput() {
    return PER_INPUT_KEYS.contains(priceKey);
  }

  /**
   * What to charge once Ideogram accepted the work: per output, the unit price × the images returned (unsafe
   * images included: Ideogram bills them), never more than quoted; per input, the unit price.
   */
  public long charge(int imagesReturned) {
    if (imagesReturned < 0) {
      throw new IllegalArgumentException("imagesReturned must be ≥ 0, got " + imagesReturned);
    }
    if (perInput()) {
      return unitMicroUsd;
    }
    return unitMicroUsd * Math.min(imagesReturned, units);
  }
}
