package dev.ideogate.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.ImageRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PricingTest {
  private final Pricing pricing = new Pricing(Map.of());

  private static ImageRequest legacy(String model, int images) {
    return new ImageRequest(Endpoint.GENERATE, model, null, null, images, "a cat", false, null);
  }

  private static ImageRequest v3(String speed, int images, boolean characterReference) {
    return new ImageRequest(Endpoint.V3_GENERATE, "V_3", null, speed, images, "a cat", characterReference, null);
  }

  private static ImageRequest transparent(String factor, String speed) {
    return new ImageRequest(Endpoint.V3_GENERATE_TRANSPARENT, "V_3", null, speed, 1, "a cat", false, factor);
  }

  private static ImageRequest v4(String speed) {
    return new ImageRequest(Endpoint.V4_GENERATE, "V_4", null, speed, 1, "a cat", false, null);
  }

  private String key(ImageRequest request) {
    return pricing.quote(request).priceKey();
  }

  @Test
  void loadsEveryDefaultPriceExactlyFromTheYaml() {
    Map<String, Long> d = Pricing.defaults();
    assertEquals(Pricing.KEYS, d.keySet());
    assertEquals(30, d.size());
    assertEquals(60_000L, d.get("V_1"));
    assertEquals(20_000L, d.get("V_1_TURBO"));
    assertEquals(80_000L, d.get("V_2"));
    assertEquals(50_000L, d.get("V_2_TURBO"));
    assertEquals(40_000L, d.get("V_2A"));
    assertEquals(25_000L, d.get("V_2A_TURBO"));
    assertEquals(60_000L, d.get("V_3"));
    assertEquals(80_000L, d.get("AUTO"));
    assertEquals(30_000L, d.get("V3_FLASH"));
    assertEquals(30_000L, d.get("V3_TURBO"));
    assertEquals(60_000L, d.get("V3_DEFAULT"));
    assertEquals(60_000L, d.get("V3_BALANCED"));
    assertEquals(90_000L, d.get("V3_QUALITY"));
    assertEquals(100_000L, d.get("V3_CHARREF_TURBO"));
    assertEquals(150_000L, d.get("V3_CHARREF_DEFAULT"));
    assertEquals(200_000L, d.get("V3_CHARREF_QUALITY"));
    assertEquals(40_000L, d.get("V3_TRANSPARENT_X1_TURBO"));
    assertEquals(70_000L, d.get("V3_TRANSPARENT_X1_DEFAULT"));
    assertEquals(100_000L, d.get("V3_TRANSPARENT_X1_QUALITY"));
    assertEquals(160_000L, d.get("V3_TRANSPARENT_X2_TURBO"));
    assertEquals(190_000L, d.get("V3_TRANSPARENT_X2_DEFAULT"));
    assertEquals(220_000L, d.get("V3_TRANSPARENT_X2_QUALITY"));
    assertEquals(200_000L, d.get("V3_TRANSPARENT_X4_TURBO"));
    assertEquals(230_000L, d.get("V3_TRANSPARENT_X4_DEFAULT"));
    assertEquals(260_000L, d.get("V3_TRANSPARENT_X4_QUALITY"));
    assertEquals(30_000L, d.get("V4_TURBO"));
    assertEquals(60_000L, d.get("V4_DEFAULT"));
    assertEquals(100_000L, d.get("V4_QUALITY"));
    assertEquals(60_000L, d.get("UPSCALE"));
    assertEquals(10_000L, d.get("DESCRIBE"));
  }

  @Test
  void autoIsPricedAtTheDearestLegacyModel() {
    long dearest = Pricing.defaults().entrySet().stream()
        .filter(e -> e.getKey().startsWith("V_"))
        .mapToLong(Map.Entry::getValue)
        .max()
        .orElseThrow();
    assertEquals(dearest, Pricing.defaults().get("AUTO"));
  }

  @Test
  void quotesLegacyModelsTimesNumImages() {
    assertEquals(new Quote("V_2_TURBO", 50_000, 4, 200_000), pricing.quote(legacy("V_2_TURBO", 4)));
    assertEquals(new Quote("V_2A_TURBO", 25_000, 3, 75_000), pricing.quote(legacy("V_2A_TURBO", 3)));
    assertEquals(new Quote("V_3", 60_000, 1, 60_000), pricing.quote(legacy("V_3", 1)));
    assertEquals(new Quote("AUTO", 80_000, 8, 640_000), pricing.quote(legacy("AUTO", 8)));
  }

  @Test
  void quotesAnAbsentLegacyModelAsV2AndAnUnknownOneAsAuto() {
    assertEquals("V_2", key(legacy(null, 1)));
    assertEquals("AUTO", key(legacy("V_9_ULTRA", 1)));
    assertEquals("AUTO", key(legacy("V3_QUALITY", 1)));
    assertEquals("AUTO", key(legacy("UPSCALE", 1)));
  }

  @Test
  void quotesEveryLegacyEndpointByModel() {
    for (Endpoint endpoint : new Endpoint[] {Endpoint.EDIT, Endpoint.REMIX, Endpoint.REFRAME}) {
      ImageRequest request = new ImageRequest(endpoint, "V_2", null, null, 2, "x", false, null);
      assertEquals(new Quote("V_2", 80_000, 2, 160_000), pricing.quote(request));
    }
  }

  @Test
  void quotesV3BySpeedWithDefaultWhenAbsent() {
    assertEquals("V3_DEFAULT", key(v3(null, 1, false)));
    assertEquals("V3_FLASH", key(v3("FLASH", 1, false)));
    assertEquals("V3_TURBO", key(v3("TURBO", 1, false)));
    assertEquals("V3_BALANCED", key(v3("BALANCED", 1, false)));
    assertEquals(new Quote("V3_QUALITY", 90_000, 8, 720_000), pricing.quote(v3("QUALITY", 8, false)));
    assertEquals("V3_QUALITY", key(v3("WARP", 1, false)));
  }

  @Test
  void quotesEveryV3EndpointAlike() {
    for (Endpoint endpoint : new Endpoint[] {Endpoint.V3_EDIT, Endpoint.V3_INPAINT, Endpoint.V3_REMIX,
        Endpoint.V3_REFRAME, Endpoint.V3_REPLACE_BACKGROUND}) {
      ImageRequest request = new ImageRequest(endpoint, "V_3", null, "TURBO", 2, "x", false, null);
      assertEquals(new Quote("V3_TURBO", 30_000, 2, 60_000), pricing.quote(request));
    }
  }

  @Test
  void quotesCharacterReferenceWithFlashAsTurbo() {
    assertEquals("V3_CHARREF_TURBO", key(v3("FLASH", 1, true)));
    assertEquals("V3_CHARREF_TURBO", key(v3("TURBO", 1, true)));
    assertEquals("V3_CHARREF_DEFAULT", key(v3(null, 1, true)));
    assertEquals("V3_CHARREF_DEFAULT", key(v3("BALANCED", 1, true)));
    assertEquals(new Quote("V3_CHARREF_QUALITY", 200_000, 2, 400_000), pricing.quote(v3("QUALITY", 2, true)));
  }

  @Test
  void quotesTransparentByFactorAndSpeed() {
    assertEquals(new Quote("V3_TRANSPARENT_X1_DEFAULT", 70_000, 1, 70_000), pricing.quote(transparent(null, null)));
    assertEquals("V3_TRANSPARENT_X1_TURBO", key(transparent("X1", "FLASH")));
    assertEquals("V3_TRANSPARENT_X2_QUALITY", key(transparent("X2", "QUALITY")));
    assertEquals("V3_TRANSPARENT_X4_TURBO", key(transparent("X4", "TURBO")));
    assertEquals("V3_TRANSPARENT_X4_DEFAULT", key(transparent("X8", "BALANCED")));
  }

  @Test
  void quotesV4WithFlashAsDefault() {
    assertEquals("V4_DEFAULT", key(v4(null)));
    assertEquals("V4_DEFAULT", key(v4("FLASH")));
    assertEquals("V4_TURBO", key(v4("TURBO")));
    assertEquals(new Quote("V4_QUALITY", 100_000, 1, 100_000), pricing.quote(v4("QUALITY")));
  }

  @Test
  void quotesUpscaleAndDescribeOncePerInputWhateverNumImagesSays() {
    ImageRequest upscale = new ImageRequest(Endpoint.UPSCALE, null, null, null, 4, "", false, null);
    ImageRequest describe = new ImageRequest(Endpoint.DESCRIBE, null, null, null, 1, "", false, null);
    assertEquals(new Quote("UPSCALE", 60_000, 1, 60_000), pricing.quote(upscale));
    assertEquals(new Quote("DESCRIBE", 10_000, 1, 10_000), pricing.quote(describe));
    assertTrue(pricing.quote(upscale).perInput());
  }

  @Test
  void chargesPerOutputImagesReturnedCappedAtTheQuote() {
    Quote quote = pricing.quote(legacy("V_2", 4));
    assertEquals(0, quote.charge(0));
    assertEquals(240_000, quote.charge(3));
    assertEquals(320_000, quote.charge(4));
    assertEquals(320_000, quote.charge(9));
  }

  @Test
  void chargesPerInputTheUnitPriceOnce() {
    Quote quote = pricing.quote(new ImageRequest(Endpoint.UPSCALE, null, null, null, 3, "", false, null));
    assertEquals(60_000, quote.charge(0));
    assertEquals(60_000, quote.charge(3));
  }

  @Test
  void appliesOverridesToTheirKeysOnly() {
    Pricing custom = new Pricing(Map.of("V_2", 75_000L, "UPSCALE", 0L));
    assertEquals(new Quote("V_2", 75_000, 2, 150_000), custom.quote(legacy("V_2", 2)));
    assertEquals(0, custom.priceMicroUsd("UPSCALE"));
    assertEquals(50_000, custom.priceMicroUsd("V_2_TURBO"));
  }

  @Test
  void rejectsAnUnknownOrNegativeOverride() {
    IllegalArgumentException typo =
        assertThrows(IllegalArgumentException.class, () -> new Pricing(Map.of("V_2_TURB0", 1L)));
    assertTrue(typo.getMessage().startsWith("unknown price key 'V_2_TURB0'; known keys: AUTO, DESCRIBE"),
        typo.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Pricing(Map.of("V_2", -1L)));
  }

  @Test
  void rejectsAQuoteWhoseTotalDoesNotMatch() {
    assertThrows(IllegalArgumentException.class, () -> new Quote("V_2", 80_000, 2, 80_000));
    assertThrows(IllegalArgumentException.class, () -> new Quote("V_2", 80_000, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Quote("V_2", -1, 1, -1));
  }
}
