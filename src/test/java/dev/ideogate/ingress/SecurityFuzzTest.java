package dev.ideogate.ingress;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ideogate.config.ConfigException;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.upstream.Endpoint;

/**
 * The one fuzz test {@code mvn verify} fuzzes (surefire execution {@code fuzz}, JAZZER_FUZZ=1): Jazzer fuzzes one
 * test per JVM, so this one spreads its budget over the three targets (raw bodies, structured field maps, config
 * text), chosen by the input's first byte. The per-target tests ({@code RequestParsingFuzzTest},
 * {@code PolicyFuzzTest}, {@code ConfigLoaderFuzzTest}) are for longer runs by hand, e.g.
 * {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=30m mvn test -Dtest=PolicyFuzzTest}.
 */
class SecurityFuzzTest {
  private static final String[] CONTENT_TYPES = {
      "application/json", "multipart/form-data; boundary=b", "multipart/form-data", "text/plain", ""};

  @FuzzTest(maxDuration = "20s")
  void noInputEscapesAsAnUnexpectedExceptionOrStatus(FuzzedDataProvider data) {
    switch (data.consumeInt(0, 2)) {
      case 0 -> FuzzTargets.admitBody(data.pickValue(Endpoint.values()),
          data.consumeBoolean() ? data.pickValue(CONTENT_TYPES) : data.consumeString(80),
          data.consumeRemainingAsBytes());
      case 1 -> FuzzTargets.admitStructured(data);
      default -> {
        try {
          ConfigLoader.parse(data.consumeRemainingAsString(), name -> "env-value-0123456789");
        } catch (ConfigException expected) {
          // the only allowed failure of the loader
        }
      }
    }
  }
}
