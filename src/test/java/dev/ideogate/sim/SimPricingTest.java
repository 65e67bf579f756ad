package dev.ideogate.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.ideogate.upstream.Endpoint;
import org.junit.jupiter.api.Test;

class SimPricingTest {
  private static SimRequest request(Endpoint endpoint, String model, String speed, int images, boolean character,
      String factor) {
    return SimRequest.plain(endpoint, model, speed).withImages(images, character, factor);
  }

  @Test
  void pricesLegacyModelsPerImage() {
    assertEquals(80_000L, SimPricing.priceMicroUsd(request(Endpoint.GENERATE, "V_2", null, 1, false, null)));
    assertEquals(200_000L, SimPricing.priceMicroUsd(request(Endpoint.REMIX, "V_2_TURBO", null, 4, false, null)));
    assertEquals(25_000L, SimPricing.priceMicroUsd(request(Endpoint.EDIT, "V_2A_TURBO", null, 1, false, null)));
  }

  @Test
  void pricesV3BySpeedAndCharacterReference() {
    assertEquals(60_000L, SimPricing.priceMicroUsd(request(Endpoint.V3_GENERATE, "V_3", null, 1, false, null)));
    assertEquals(270_000L, SimPricing.priceMicroUsd(request(Endpoint.V3_REMIX, "V_3", "QUALITY", 3, false, null)));
    assertEquals(100_000L, SimPricing.priceMicroUsd(request(Endpoint.V3_GENERATE, "V_3", "TURBO", 1, true, null)));
    assertEquals(190_000L,
        SimPricing.priceMicroUsd(request(Endpoint.V3_GENERATE_TRANSPARENT, "V_3", null, 1, false, "X2")));
    assertEquals(100_000L, SimPricing.priceMicroUsd(request(Endpoint.V4_GENERATE, "V_4", "QUALITY", 1, false, null)));
  }

  @Test
  void pricesUpscaleAndDescribePerInput() {
    assertEquals(60_000L, SimPricing.priceMicroUsd(request(Endpoint.UPSCALE, "V_2", null, 3, false, null)));
    assertEquals(10_000L, SimPricing.priceMicroUsd(request(Endpoint.DESCRIBE, "V_2", null, 1, false, null)));
  }
}
