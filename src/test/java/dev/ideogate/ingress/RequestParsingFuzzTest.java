package dev.ideogate.ingress;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ideogate.upstream.Endpoint;

/**
 * Coverage-guided fuzzing (Jazzer) of JSON and multipart parsing plus everything after it up to the budget. In
 * {@code mvn test} it replays the seeds under {@code RequestParsingFuzzTestInputs/}; the surefire execution
 * {@code fuzz} runs it with JAZZER_FUZZ=1 for {@code maxDuration}. Longer, by hand:
 * {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn test -Dtest=RequestParsingFuzzTest}.
 */
class RequestParsingFuzzTest {
  private static final String[] CONTENT_TYPES = {
      "application/json", "multipart/form-data; boundary=b", "multipart/form-data; boundary=\"b\"",
      "multipart/form-data", "application/json; charset=utf-8", "text/plain", ""};

  @FuzzTest(maxDuration = "10s")
  void anyBodyIsAdmittedOrRefusedWithAnAdmissionStatus(FuzzedDataProvider data) {
    Endpoint endpoint = data.pickValue(Endpoint.values());
    String contentType = data.consumeBoolean() ? data.pickValue(CONTENT_TYPES) : data.consumeString(80);
    FuzzTargets.admitBody(endpoint, contentType, data.consumeRemainingAsBytes());
  }
}
