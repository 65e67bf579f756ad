package dev.ideogate.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ideogate.api.MicroUsd;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.ImageRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Prices a request (ARCHITECTURE.md §7): unit price × num_images for per-output endpoints, × 1 for per-input ones.
 * Unit prices are the defaults of {@code pricing.yaml} (ideogram-api.md §6) with the config's overrides.
 *
 * <p>The key of a request:
 * <ul>
 *   <li>legacy endpoints: the {@code model} field ({@code V_1} … {@code V_3}, {@code AUTO}; absent = V_2);
 *   <li>V3: {@code V3_<speed>}, or {@code V3_CHARREF_<speed>} with a character reference (FLASH → TURBO,
 *       BALANCED → DEFAULT: no such tiers are published);
 *   <li>V3 transparent: {@code V3_TRANSPARENT_<X1|X2|X4>_<speed>} (factor absent = X1; FLASH → TURBO);
 *   <li>V4: {@code V4_<speed>} (FLASH, rejected upstream, → DEFAULT; BALANCED → DEFAULT);
 *   <li>{@code UPSCALE}, {@code DESCRIBE}: per input.
 * </ul>
 * A speed that is absent means DEFAULT (the API's default). A value the gateway does not know (a new model,
 * speed or factor) is priced at the dearest price of its family: Ideogram will most likely reject it (and the
 * hold is released), and if it does not, the reservation still covers it.
 */
public final class Pricing {
  public static final String UPSCALE = "UPSCALE";
  public static final String DESCRIBE = "DESCRIBE";
  static final String RESOURCE = "/pricing.yaml";

  /** Every key {@link #quote} can produce; pricing.yaml must define exactly these. */
  static final Set<String> KEYS = keys();

  private static final Map<String, Long> DEFAULTS = load();

  private final Map<String, Long> pricesMicroUsd;

  /**
   * @param overridesMicroUsd replaces the default price of each key it names; an unknown key or a negative
   *     amount is an error (a typo must not silently keep the default)
   */
  public Pricing(Map<String, Long> overridesMicroUsd) {
    Map<String, Long> prices = new LinkedHashMap<>(DEFAULTS);
    overridesMicroUsd.forEach((key, amount) -> {
      if (!DEFAULTS.containsKey(key)) {
        throw new IllegalArgumentException(
            "unknown price key '" + key + "'; known keys: " + String.join(", ", new TreeSet<>(DEFAULTS.keySet())));
      }
      if (amount == null || amount < 0) {
        throw new IllegalArgumentException("price of " + key + " must be ≥ 0 micro-USD, got " + amount);
      }
      prices.put(key, amount);
    });
    this.pricesMicroUsd = Map.copyOf(prices);
  }

  /** The built-in default prices by key, in micro-USD (for config validation and docs). */
  public static Map<String, Long> defaults() {
    return DEFAULTS;
  }

  /** The effective unit price of {@code key} in micro-USD. */
  public long priceMicroUsd(String key) {
    Long price = pricesMicroUsd.get(key);
    if (price == null) {
      throw new IllegalArgumentException("unknown price key '" + key + "'");
    }
    return price;
  }

  /** What {@code request} may cost at most: the amount to reserve. */
  public Quote quote(ImageRequest request) {
    String key = priceKey(request);
    long unit = priceMicroUsd(key);
    int units = request.endpoint().perInput() ? 1 : request.numImages();
    return new Quote(key, unit, units, Math.multiplyExact(unit, units));
  }

  static String priceKey(ImageRequest request) {
    Endpoint endpoint = request.endpoint();
    String speed = speed(request.renderingSpeed());
    return switch (endpoint.family()) {
      case LEGACY -> legacyKey(request.model());
      case V3 -> request.characterReference() ? "V3_CHARREF_" + tierOf3(speed) : "V3_" + knownOr(speed, "QUALITY");
      case V3_TRANSPARENT -> "V3_TRANSPARENT_" + factor(request.upscaleFactor()) + "_" + tierOf3(speed);
      case V4 -> "V4_" + v4Tier(speed);
      case UPSCALE -> UPSCALE;
      case DESCRIBE -> DESCRIBE;
    };
  }

  private static String legacyKey(String model) {
    String key = model == null ? "V_2" : model.toUpperCase(Locale.ROOT);
    // Only legacy model names are legacy keys; V3_*, V4_* and the per-input keys are not models.
    return key.startsWith("V_") && DEFAULTS.containsKey(key) ? key : "AUTO";
  }

  private static String speed(String renderingSpeed) {
    return renderingSpeed == null || renderingSpeed.isBlank() ? "DEFAULT" : renderingSpeed.toUpperCase(Locale.ROOT);
  }

  /** V3 speeds with a published price of their own. */
  private static String knownOr(String speed, String fallback) {
    return switch (speed) {
      case "FLASH", "TURBO", "DEFAULT", "BALANCED", "QUALITY" -> speed;
      default -> fallback;
    };
  }

  /** Tiers that only publish TURBO / DEFAULT / QUALITY (character reference, transparent). */
  private static String tierOf3(String speed) {
    return switch (speed) {
      case "FLASH", "TURBO" -> "TURBO";
      case "DEFAULT", "BALANCED" -> "DEFAULT";
      default -> "QUALITY";
    };
  }

  private static String v4Tier(String speed) {
    return switch (speed) {
      case "TURBO" -> "TURBO";
      // FLASH is invalid for V4 (400 upstream, released); priced as DEFAULT should it ever run.
      case "FLASH", "DEFAULT", "BALANCED" -> "DEFAULT";
      default -> "QUALITY";
    };
  }

  private static String factor(String upscaleFactor) {
    if (upscaleFactor == null || upscaleFactor.isBlank()) {
      return "X1";
    }
    String factor = upscaleFactor.toUpperCase(Locale.ROOT);
    return factor.equals("X1") || factor.equals("X2") ? factor : "X4";
  }

  private static Set<String> keys() {
    Set<String> keys = new TreeSet<>(List.of(
        "V_1", "V_1_TURBO", "V_2", "V_2_TURBO", "V_2A", "V_2A_TURBO", "V_3", "AUTO",
        "V3_FLASH", "V3_TURBO", "V3_DEFAULT", "V3_BALANCED", "V3_QUALITY",
        "V3_CHARREF_TURBO", "V3_CHARREF_DEFAULT", "V3_CHARREF_QUALITY",
        "V4_TURBO", "V4_DEFAULT", "V4_QUALITY", UPSCALE, DESCRIBE));
    for (String factor : List.of("X1", "X2", "X4")) {
      for (String tier : List.of("TURBO", "DEFAULT", "QUALITY")) {
        keys.add("V3_TRANSPARENT_" + factor + "_" + tier);
      }
    }
    return Set.copyOf(keys);
  }

  private static Map<String, Long> load() {
    try (InputStream in = Pricing.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + RESOURCE + " is missing");
      }
      JsonNode prices = new ObjectMapper(new YAMLFactory()).readTree(in).path("prices");
      if (!prices.isObject()) {
        throw new IllegalStateException(RESOURCE + " has no 'prices' mapping");
      }
      Map<String, Long> loaded = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = prices.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> price = it.next();
        if (!price.getValue().isTextual()) {
          throw new IllegalStateException(
              RESOURCE + ": price of " + price.getKey() + " must be a quoted decimal string, not a YAML number");
        }
        loaded.put(price.getKey(), MicroUsd.parse(price.getValue().textValue()));
      }
      if (!loaded.keySet().equals(KEYS)) {
        Set<String> missing = new TreeSet<>(KEYS);
        missing.removeAll(loaded.keySet());
        Set<String> unknown = new TreeSet<>(loaded.keySet());
        unknown.removeAll(KEYS);
        throw new IllegalStateException(RESOURCE + ": missing keys " + missing + ", unknown keys " + unknown);
      }
      return Map.copyOf(loaded);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
