package dev.ideogate.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.ideogate.upstream.Endpoint;
import org.junit.jupiter.api.Test;

class SimLatencyTest {
  private static SimRequest request(Endpoint endpoint, String model, String speed) {
    return SimRequest.plain(endpoint, model, speed);
  }

  @Test
  void scalesTheLatencyOfEachModelAndSpeed() {
    assertEquals(6_000, SimLatency.delayMs(request(Endpoint.GENERATE, "V_2", null), 1.0, SimulatorKnobs.NONE));
    assertEquals(30, SimLatency.delayMs(request(Endpoint.GENERATE, "V_2_TURBO", null), 0.01, SimulatorKnobs.NONE));
    assertEquals(2_000, SimLatency.delayMs(request(Endpoint.V3_GENERATE, "V_3", "FLASH"), 1.0, SimulatorKnobs.NONE));
    assertEquals(12_000, SimLatency.delayMs(request(Endpoint.V4_GENERATE, "V_4", "QUALITY"), 1.0,
        SimulatorKnobs.NONE));
    assertEquals(0, SimLatency.delayMs(request(Endpoint.V3_GENERATE, "V_3", null), 0, SimulatorKnobs.NONE));
  }

  @Test
  void usesTheLatencyKnobExactlyWhateverTheScale() {
    SimulatorKnobs knobs = SimulatorKnobs.NONE.withLatencyMs(250L);
    assertEquals(250, SimLatency.delayMs(request(Endpoint.V3_GENERATE, "V_3", "QUALITY"), 0.01, knobs));
    assertEquals(250, SimLatency.delayMs(request(Endpoint.GENERATE, "V_2", null), 0, knobs));
  }
}
