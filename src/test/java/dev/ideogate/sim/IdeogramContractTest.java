package dev.ideogate.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.upstream.Endpoint;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The simulator's own reading of ideogram-api.md §3: what it refuses, and what it keeps of what it accepts. */
class IdeogramContractTest {
  private static final byte[] PNG_HEAD = ImageFileHandler.PNG.getBytes();
  private static final SimFile IMAGE = new SimFile("image", "a.png", "image/png", 100, PNG_HEAD);

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(Endpoint.GENERATE, Map.of(), List.of(), "prompt is required"),
        Arguments.of(Endpoint.GENERATE, Map.of("prompt", "  "), List.of(), "prompt is required and must not be empty"),
        Arguments.of(Endpoint.GENERATE, Map.of("prompt", 7), List.of(), "prompt must be a string, got 7"),
        Arguments.of(Endpoint.GENERATE, Map.of("prompt", "p", "aspect_ratio", "ASPECT_1_1",
            "resolution", "RESOLUTION_1024_1024"), List.of(), "aspect_ratio and resolution are mutually exclusive"),
        Arguments.of(Endpoint.GENERATE, Map.of("prompt", "p", "model", "V_1", "style_type", "DESIGN"), List.of(),
            "style_type must not be sent with model V_1"),
        Arguments.of(Endpoint.GENERATE, Map.of("prompt", "p", "num_images", 2.5), List.of(),
            "num_images must be an integer between 1 and 8, got 2.5"),
        Arguments.of(Endpoint.GENERATE, Map.of("prompt", "p", "seed", 2_147_483_648L), List.of(),
            "seed must be an integer between 0 and 2147483647"),
        Arguments.of(Endpoint.GENERATE, Map.of("prompt", "p", "color_palette", Map.of("name", "EMBER",
            "members", List.of())), List.of(), "color_palette must have either name or members"),
        Arguments.of(Endpoint.EDIT, Map.of("prompt", "p", "model", "V_3"),
            List.of(file("image_file"), file("mask")), "model must be one of V_2, V_2_TURBO, got 'V_3'"),
        Arguments.of(Endpoint.V3_GENERATE, Map.of("prompt", "p", "style_type", "ANIME"), List.of(),
            "style_type must be one of AUTO, GENERAL"),
        Arguments.of(Endpoint.V3_GENERATE, Map.of("prompt", "p", "style_type", "DESIGN",
            "style_codes", List.of("0A1B2C3D")), List.of(), "style_codes cannot be combined with style_type"),
        Arguments.of(Endpoint.V3_GENERATE, Map.of("prompt", List.of("a", "b")), List.of(),
            "prompt must be sent once, got 2 values"),
        Arguments.of(Endpoint.V3_GENERATE, Map.of("prompt", "p"),
            List.of(file("character_reference_images"), file("character_reference_images")),
            "character_reference_images takes at most 1 image"),
        Arguments.of(Endpoint.V3_REMIX, Map.of("prompt", "p"), List.of(), "image is required"),
        Arguments.of(Endpoint.V3_REMIX, Map.of("prompt", "p"),
            List.of(new SimFile("image", "a.gif", "image/png", 100, "GIF89a".getBytes())),
            "image must be a JPEG, PNG or WebP image"),
        Arguments.of(Endpoint.V3_REMIX, Map.of("prompt", "p"),
            List.of(new SimFile("image", "a.png", "image/png", IdeogramContract.MAX_FILE_BYTES + 1, PNG_HEAD)),
            "image is 10485761 bytes; at most 10 MB"),
        Arguments.of(Endpoint.V3_GENERATE_TRANSPARENT, Map.of("prompt", "p", "rendering_speed", "FLASH"), List.of(),
            "rendering_speed FLASH is not available"),
        Arguments.of(Endpoint.V4_GENERATE, Map.of("text_prompt", "p", "json_prompt", Map.of("a", 1)), List.of(),
            "send exactly one of text_prompt or json_prompt"),
        Arguments.of(Endpoint.V4_GENERATE, Map.of("seed", 1), List.of(), "send exactly one of"),
        Arguments.of(Endpoint.V4_ASYNC_GENERATE, Map.of("json_prompt", "[1]"), List.of(),
            "json_prompt must be a JSON object"));
  }

  @ParameterizedTest(name = "{0} {3}")
  @MethodSource("refusals")
  void refusesWithA400NamingTheField(Endpoint endpoint, Map<String, Object> fields, List<SimFile> files,
      String message) {
    SimRejection refused = assertThrows(SimRejection.class, () -> IdeogramContract.check(endpoint, fields, files));
    assertEquals(400, refused.status);
    assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
  }

  @Test
  void keepsWhatPricingLatencyAndTheAnswerNeed() {
    SimRequest remix = IdeogramContract.check(Endpoint.V3_REMIX, Map.of("prompt", "a fox", "num_images", "3",
        "rendering_speed", "QUALITY", "aspect_ratio", "16x9", "seed", "42", "unknown_field", List.of(1, 2)),
        List.of(IMAGE, file("character_reference_images")));
    assertEquals(new SimRequest(Endpoint.V3_REMIX, "V_3", null, "QUALITY", 3, "a fox", true, null, null, "16x9",
        42L), remix);
    SimRequest v4 = IdeogramContract.check(Endpoint.V4_GENERATE, Map.of("json_prompt", "{\"scene\":\"a fox\"}"),
        List.of());
    assertEquals("{\"scene\":\"a fox\"}", v4.prompt());
    assertEquals("V_2", IdeogramContract.check(Endpoint.GENERATE, Map.of("prompt", "p"), List.of()).model());
  }

  private static SimFile file(String field) {
    return new SimFile(field, field + ".png", "image/png", 100, PNG_HEAD);
  }
}
