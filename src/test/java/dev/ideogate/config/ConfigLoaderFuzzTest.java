package dev.ideogate.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;

/**
 * Coverage-guided fuzzing (Jazzer) of the config loader: any text gives a config or a {@link ConfigException},
 * never another exception (a bad ConfigMap must be refused with its errors, not crash a replica's reload). Seeds:
 * {@code ConfigLoaderFuzzTestInputs/}. Longer, by hand:
 * {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn test -Dtest=ConfigLoaderFuzzTest}.
 */
class ConfigLoaderFuzzTest {
  private static final Map<String, String> ENV = Map.of("IDEOGRAM_KEY_MARKETING", "k-marketing-0123",
      "IDEOGRAM_KEY_PRODUCT", "k-product-0123", "IDEOGRAM_KEY_SOCIAL", "k-social-0123");

  @FuzzTest(maxDuration = "8s")
  void anyTextIsAConfigOrAConfigException(FuzzedDataProvider data) {
    String yaml = data.consumeRemainingAsString();
    try {
      ConfigLoader.parse(yaml, ENV::get);
    } catch (ConfigException expected) {
      // the only allowed failure
    }
  }
}
