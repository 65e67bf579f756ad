package dev.ideogate.policy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.ImageRequest;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TeamPolicyTest {
  private static final TeamConfig MARKETING = team("marketing",
      Set.of("V_2_TURBO", "V_2"), Set.of("REALISTIC", "DESIGN"), Set.of());
  private static final TeamConfig SOCIAL = team("social",
      Set.of("V_3", "V_4"), Set.of("GENERAL"), Set.of("TURBO", "DEFAULT"));

  private static TeamConfig team(String id, Set<String> models, Set<String> styles, Set<String> speeds) {
    return new TeamConfig(id, id, "secret", 20_000_000, OptionalLong.empty(), models, styles, speeds, 5, 100,
        Duration.ofSeconds(30), "strict", "allow", TeamConfig.RateLimit.NONE, List.of());
  }

  private static ImageRequest request(Endpoint endpoint, String model, String style, String speed, String prompt) {
    return new ImageRequest(endpoint, model, style, speed, 1, prompt, false, null);
  }

  private static GatewayException rejected(TeamConfig team, ImageRequest request) {
    return assertThrows(GatewayException.class, () -> TeamPolicy.check(team, request));
  }

  @Test
  void allowsAnAllowedModelAndStyle() {
    assertDoesNotThrow(() -> TeamPolicy.check(MARKETING, request(Endpoint.GENERATE, "V_2", "DESIGN", null, "a")));
  }

  @Test
  void rejectsAModelOutsideTheTeamsListNamingTheAllowedOnes() {
    GatewayException e = rejected(MARKETING, request(Endpoint.GENERATE, "V_3", null, null, "a"));
    assertEquals(ErrorCode.MODEL_NOT_ALLOWED, e.error());
    assertEquals("model V_3 is not allowed for team marketing; allowed: V_2, V_2_TURBO", e.getMessage());
  }

  @Test
  void gatesTheVersionedPathsByTheirFixedModel() {
    GatewayException e = rejected(MARKETING, request(Endpoint.V3_GENERATE, null, null, null, "a"));
    assertEquals("model V_3 is not allowed for team marketing; allowed: V_2, V_2_TURBO", e.getMessage());
    assertEquals(ErrorCode.MODEL_NOT_ALLOWED,
        rejected(MARKETING, request(Endpoint.V4_GENERATE, "V_4", null, null, "a")).error());
    assertDoesNotThrow(() -> TeamPolicy.check(SOCIAL, request(Endpoint.V3_REMIX, null, null, "TURBO", "a")));
  }

  @Test
  void treatsAnAbsentLegacyModelAsV2() {
    assertDoesNotThrow(() -> TeamPolicy.check(MARKETING, request(Endpoint.EDIT, null, null, null, "a")));
    assertEquals("model V_2 is not allowed for team social; allowed: V_3, V_4",
        rejected(SOCIAL, request(Endpoint.GENERATE, null, null, null, "a")).getMessage());
  }

  @Test
  void doesNotGateUpscaleOrDescribeByModel() {
    assertDoesNotThrow(() -> TeamPolicy.check(SOCIAL, request(Endpoint.UPSCALE, null, null, null, "")));
    assertDoesNotThrow(() -> TeamPolicy.check(SOCIAL, request(Endpoint.DESCRIBE, null, null, null, "")));
  }

  @Test
  void rejectsAStyleOutsideTheTeamsList() {
    GatewayException e = rejected(MARKETING, request(Endpoint.GENERATE, "V_2", "ANIME", null, "a"));
    assertEquals(ErrorCode.STYLE_NOT_ALLOWED, e.error());
    assertEquals("style_type ANIME is not allowed for team marketing; allowed: AUTO, DESIGN, REALISTIC",
        e.getMessage());
  }

  @Test
  void alwaysAllowsAutoAndAnAbsentStyle() {
    TeamConfig noStyles = team("plain", Set.of("V_2"), Set.of(), Set.of());
    assertDoesNotThrow(() -> TeamPolicy.check(noStyles, request(Endpoint.GENERATE, "V_2", "AUTO", null, "a")));
    assertDoesNotThrow(() -> TeamPolicy.check(noStyles, request(Endpoint.GENERATE, "V_2", null, null, "a")));
    assertEquals("style_type DESIGN is not allowed for team plain; allowed: AUTO",
        rejected(noStyles, request(Endpoint.GENERATE, "V_2", "DESIGN", null, "a")).getMessage());
  }

  @Test
  void rejectsARenderingSpeedOutsideTheTeamsListAsModelNotAllowed() {
    GatewayException e = rejected(SOCIAL, request(Endpoint.V3_GENERATE, null, null, "QUALITY", "a"));
    assertEquals(ErrorCode.MODEL_NOT_ALLOWED, e.error());
    assertEquals("rendering_speed QUALITY is not allowed for team social; allowed rendering speeds: DEFAULT, TURBO",
        e.getMessage());
  }

  @Test
  void treatsAnAbsentSpeedAsDefaultAndBalancedAsDefault() {
    TeamConfig turboOnly = team("cheap", Set.of("V_3", "V_4"), Set.of(), Set.of("TURBO"));
    assertEquals("rendering_speed DEFAULT is not allowed for team cheap; allowed rendering speeds: TURBO",
        rejected(turboOnly, request(Endpoint.V4_GENERATE, null, null, null, "a")).getMessage());
    assertDoesNotThrow(() -> TeamPolicy.check(SOCIAL, request(Endpoint.V3_GENERATE, null, null, null, "a")));
    assertDoesNotThrow(() -> TeamPolicy.check(SOCIAL, request(Endpoint.V3_GENERATE, null, null, "BALANCED", "a")));
    assertDoesNotThrow(() ->
        TeamPolicy.check(SOCIAL, request(Endpoint.V3_GENERATE_TRANSPARENT, null, null, "TURBO", "a")));
  }

  @Test
  void allowsEverySpeedWhenTheListIsEmptyAndIgnoresSpeedOnLegacyPaths() {
    TeamConfig anySpeed = team("any", Set.of("V_2", "V_3"), Set.of(), Set.of());
    assertDoesNotThrow(() -> TeamPolicy.check(anySpeed, request(Endpoint.V3_GENERATE, null, null, "QUALITY", "a")));
    assertDoesNotThrow(() -> TeamPolicy.check(SOCIAL, request(Endpoint.GENERATE, "V_3", null, "QUALITY", "a")));
  }

  @Test
  void acceptsAPromptOfExactlyTenThousandCharacters() {
    String prompt = "é".repeat(10_000);
    assertDoesNotThrow(() -> TeamPolicy.check(MARKETING, request(Endpoint.GENERATE, "V_2", null, null, prompt)));
    String emoji = "\uD83D\uDE00".repeat(10_000); // 20,000 UTF-16 units, 10,000 characters
    assertDoesNotThrow(() -> TeamPolicy.check(MARKETING, request(Endpoint.GENERATE, "V_2", null, null, emoji)));
  }

  @Test
  void rejectsWith400APromptLongerThanTenThousandCharacters() {
    GatewayException e = rejected(MARKETING, request(Endpoint.GENERATE, "V_3", "ANIME", null, "a".repeat(10_001)));
    assertEquals(ErrorCode.INVALID_REQUEST, e.error());
    assertEquals("prompt is 10001 characters long; at most 10000 are allowed", e.getMessage());
  }
}
