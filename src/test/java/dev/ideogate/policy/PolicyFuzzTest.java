package dev.ideogate.policy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ideogate.ingress.FuzzTargets;

/**
 * Structured fuzzing (Jazzer) of the schema and the team, content and PII policies: field maps of plausible and
 * implausible values, so the fuzzer spends its time past the parser. Longer, by hand:
 * {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn test -Dtest=PolicyFuzzTest}.
 */
class PolicyFuzzTest {
  @FuzzTest(maxDuration = "8s")
  void anyFieldMapIsAdmittedOrRefusedWithAnAdmissionStatus(FuzzedDataProvider data) {
    FuzzTargets.admitStructured(data);
  }
}
