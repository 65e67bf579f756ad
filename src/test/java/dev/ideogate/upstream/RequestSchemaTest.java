package dev.ideogate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestSchemaTest {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13};
  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16};
  private static final byte[] WEBP = {'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};
  private static final byte[] GIF = {'G', 'I', 'F', '8', '9', 'a'};

  private static Map<String, Object> fields(Object... keyValues) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  private static FilePart png(String field) {
    return new FilePart(field, field + ".png", "image/png", 1000, PNG);
  }

  private static String rejection(Endpoint endpoint, Map<String, Object> fields, List<FilePart> files) {
    return assertThrows(InvalidRequestException.class, () -> RequestSchema.check(endpoint, fields, files))
        .getMessage();
  }

  @Test
  void acceptsAMinimalLegacyGenerateWithItsDefaults() throws Exception {
    ImageRequest request = RequestSchema.check(Endpoint.GENERATE, fields("prompt", "a cat"), List.of());
    assertEquals(new ImageRequest(Endpoint.GENERATE, "V_2", null, null, 1, "a cat", false, null), request);
  }

  @Test
  void readsModelStyleAndNumImagesOfALegacyGenerate() throws Exception {
    ImageRequest request = RequestSchema.check(Endpoint.GENERATE,
        fields("prompt", "a cat", "model", "V_2_TURBO", "style_type", "ANIME", "num_images", 4,
            "aspect_ratio", "ASPECT_16_9", "seed", 2147483647L, "magic_prompt_option", "OFF",
            "magic_prompt_version", "V_0_3", "unknown_future_field", "passes"),
        List.of());
    assertEquals("V_2_TURBO", request.model());
    assertEquals("ANIME", request.styleType());
    assertEquals(4, request.numImages());
  }

  @Test
  void rejectsNumImagesOutsideOneToEightNamingTheRange() {
    assertEquals("num_images must be an integer between 1 and 8, got 9",
        rejection(Endpoint.GENERATE, fields("prompt", "p", "num_images", 9), List.of()));
    assertEquals("num_images must be an integer between 1 and 8, got 0",
        rejection(Endpoint.V3_GENERATE, fields("prompt", "p", "num_images", "0"), List.of()));
    assertEquals("num_images must be an integer between 1 and 8, got 2.5",
        rejection(Endpoint.GENERATE, fields("prompt", "p", "num_images", 2.5), List.of()));
    assertEquals("num_images must be an integer between 1 and 8, got true",
        rejection(Endpoint.GENERATE, fields("prompt", "p", "num_images", true), List.of()));
  }

  @Test
  void coercesNumbersSentAsMultipartText() throws Exception {
    ImageRequest request = RequestSchema.check(Endpoint.V3_GENERATE,
        fields("prompt", "p", "num_images", " 3 ", "seed", "42"), List.of());
    assertEquals(3, request.numImages());
    assertEquals(2, RequestSchema.check(Endpoint.GENERATE, fields("prompt", "p", "num_images", 2.0), List.of())
        .numImages());
  }

  @Test
  void rejectsASeedOutsideItsRange() {
    assertEquals("seed must be an integer between 0 and 2147483647, got 2147483648",
        rejection(Endpoint.GENERATE, fields("prompt", "p", "seed", 2147483648L), List.of()));
    assertEquals("seed must be an integer between 0 and 2147483647, got -1",
        rejection(Endpoint.V3_GENERATE, fields("prompt", "p", "seed", "-1"), List.of()));
  }

  @Test
  void requiresAPrompt() {
    assertEquals("prompt is required and must be a non-empty string",
        rejection(Endpoint.GENERATE, fields(), List.of()));
    assertEquals("prompt is required and must be a non-empty string",
        rejection(Endpoint.V3_GENERATE, fields("prompt", "  "), List.of()));
    assertEquals("prompt must be a string, got 12", rejection(Endpoint.GENERATE, fields("prompt", 12), List.of()));
  }

  @Test
  void rejectsAnUnknownModelListingTheModels() {
    assertEquals("model must be one of V_1, V_1_TURBO, V_2, V_2_TURBO, V_2A, V_2A_TURBO, V_3, AUTO, got 'V_9'",
        rejection(Endpoint.GENERATE, fields("prompt", "p", "model", "V_9"), List.of()));
  }

  @Test
  void distinguishesLegacyAndV3StyleTypes() throws Exception {
    assertEquals("RENDER_3D",
        RequestSchema.check(Endpoint.GENERATE, fields("prompt", "p", "style_type", "RENDER_3D"), List.of())
            .styleType());
    assertEquals("style_type must be one of AUTO, GENERAL, REALISTIC, DESIGN, CUSTOM, FICTION, STYLIZED, got "
            + "'RENDER_3D'",
        rejection(Endpoint.V3_GENERATE, fields("prompt", "p", "style_type", "RENDER_3D"), List.of()));
  }

  @Test
  void rejectsAStyleTypeWithModelV1() {
    assertTrue(rejection(Endpoint.GENERATE, fields("prompt", "p", "model", "V_1", "style_type", "GENERAL"),
        List.of()).startsWith("style_type is only supported by V_2"));
  }

  @Test
  void distinguishesLegacyAndV3AspectRatiosAndResolutions() throws Exception {
    RequestSchema.check(Endpoint.GENERATE, fields("prompt", "p", "resolution", "RESOLUTION_1024_1024"), List.of());
    RequestSchema.check(Endpoint.V3_GENERATE, fields("prompt", "p", "resolution", "1024x1024"), List.of());
    RequestSchema.check(Endpoint.V3_GENERATE, fields("prompt", "p", "aspect_ratio", "4x5"), List.of());
    assertTrue(rejection(Endpoint.GENERATE, fields("prompt", "p", "aspect_ratio", "16x9"), List.of())
        .startsWith("aspect_ratio must be one of ASPECT_10_16, ASPECT_16_10,"));
    assertTrue(rejection(Endpoint.V3_GENERATE, fields("prompt", "p", "resolution", "RESOLUTION_1024_1024"),
        List.of()).startsWith("resolution must be one of 512x1536,"));
    assertEquals("aspect_ratio and resolution cannot be sent together; send one of them",
        rejection(Endpoint.GENERATE,
            fields("prompt", "p", "aspect_ratio", "ASPECT_1_1", "resolution", "RESOLUTION_1024_1024"), List.of()));
  }

  @Test
  void checksMagicPromptOptionsPerFamily() throws Exception {
    assertTrue(rejection(Endpoint.GENERATE, fields("prompt", "p", "magic_prompt_option", "YES"), List.of())
        .startsWith("magic_prompt_option must be one of AUTO, ON, OFF"));
    assertTrue(rejection(Endpoint.V3_GENERATE, fields("prompt", "p", "magic_prompt", "on"), List.of())
        .startsWith("magic_prompt must be one of AUTO, ON, OFF"));
    assertTrue(rejection(Endpoint.GENERATE, fields("prompt", "p", "magic_prompt_version", "V_1"), List.of())
        .startsWith("magic_prompt_version must be one of V_0,"));
  }

  @Test
  void readsRenderingSpeedAndRejectsFlashWhereIdeogramDoes() throws Exception {
    assertEquals("FLASH", RequestSchema.check(Endpoint.V3_GENERATE,
        fields("prompt", "p", "rendering_speed", "FLASH"), List.of()).renderingSpeed());
    assertEquals("rendering_speed must be one of FLASH, TURBO, BALANCED, DEFAULT, QUALITY, got 'FAST'",
        rejection(Endpoint.V3_GENERATE, fields("prompt", "p", "rendering_speed", "FAST"), List.of()));
    assertEquals("rendering_speed FLASH is not available on /v1/ideogram-v4/generate; use one of TURBO, DEFAULT, "
            + "QUALITY",
        rejection(Endpoint.V4_GENERATE, fields("text_prompt", "p", "rendering_speed", "FLASH"), List.of()));
    assertTrue(rejection(Endpoint.V3_GENERATE_TRANSPARENT, fields("prompt", "p", "rendering_speed", "FLASH"),
        List.of()).startsWith("rendering_speed FLASH is not available"));
  }

  @Test
  void readsTheUpscaleFactorOfATransparentGeneration() throws Exception {
    assertEquals("X1", RequestSchema.check(Endpoint.V3_GENERATE_TRANSPARENT, fields("prompt", "p"), List.of())
        .upscaleFactor());
    assertEquals("X4", RequestSchema.check(Endpoint.V3_GENERATE_TRANSPARENT,
        fields("prompt", "p", "upscale_factor", "X4"), List.of()).upscaleFactor());
    assertEquals("upscale_factor must be one of X1, X2, X4, got 'X3'",
        rejection(Endpoint.V3_GENERATE_TRANSPARENT, fields("prompt", "p", "upscale_factor", "X3"), List.of()));
  }

  @Test
  void takesExactlyOneV4Prompt() throws Exception {
    assertEquals(new ImageRequest(Endpoint.V4_GENERATE, "V_4", null, "QUALITY", 1, "a fox", false, null),
        RequestSchema.check(Endpoint.V4_GENERATE,
            fields("text_prompt", "a fox", "rendering_speed", "QUALITY", "resolution", "2048x2048"), List.of()));
    assertEquals("a fox",
        RequestSchema.check(Endpoint.V4_GENERATE, fields("prompt", "a fox"), List.of()).prompt());
    assertEquals("{\"scene\":\"a fox\"}", RequestSchema.check(Endpoint.V4_GENERATE,
        fields("json_prompt", Map.of("scene", "a fox")), List.of()).prompt());
    assertEquals("{\"scene\":\"a fox\"}", RequestSchema.check(Endpoint.V4_GENERATE,
        fields("json_prompt", "{\"scene\": \"a fox\"}"), List.of()).prompt());
    assertEquals("exactly one of text_prompt, json_prompt or prompt is required, got none",
        rejection(Endpoint.V4_GENERATE, fields(), List.of()));
    assertEquals("exactly one of text_prompt, json_prompt or prompt is required, got text_prompt and json_prompt",
        rejection(Endpoint.V4_GENERATE, fields("text_prompt", "a", "json_prompt", Map.of()), List.of()));
    assertEquals("json_prompt must be a JSON object, got [1]",
        rejection(Endpoint.V4_GENERATE, fields("json_prompt", List.of(1)), List.of()));
  }

  @Test
  void requiresTheFilesOfEachEndpoint() throws Exception {
    assertEquals("image_file is required: attach a JPEG, PNG or WebP image as a multipart file part named "
            + "image_file",
        rejection(Endpoint.REMIX, fields("prompt", "p"), List.of()));
    assertEquals("mask is required: attach a JPEG, PNG or WebP image as a multipart file part named mask",
        rejection(Endpoint.EDIT, fields("prompt", "p", "model", "V_2"), List.of(png("image_file"))));
    assertTrue(rejection(Endpoint.V3_EDIT, fields("prompt", "p", "image_file", "x"), List.of(png("mask")))
        .startsWith("image is required"));
    assertTrue(rejection(Endpoint.DESCRIBE, fields("image_file", "not-a-file"), List.of())
        .endsWith("(it was sent as a text field, not a file)"));
    RequestSchema.check(Endpoint.V3_INPAINT, fields("prompt", "p"), List.of(png("image"), png("mask")));
    RequestSchema.check(Endpoint.V3_REPLACE_BACKGROUND, fields("prompt", "p"), List.of(png("image")));
  }

  @Test
  void judgesAFileByItsMagicBytesNotItsDeclaredType() throws Exception {
    RequestSchema.check(Endpoint.DESCRIBE, fields(),
        List.of(new FilePart("image_file", "a.bin", "application/octet-stream", 10, JPEG)));
    RequestSchema.check(Endpoint.DESCRIBE, fields(), List.of(new FilePart("image_file", "a", null, 10, WEBP)));
    assertEquals("image_file must be a JPEG, PNG or WebP image; the content of 'a.png' is none of these "
            + "(declared image/png)",
        rejection(Endpoint.DESCRIBE, fields(), List.of(new FilePart("image_file", "a.png", "image/png", 10, GIF))));
  }

  @Test
  void rejectsAFileOverTenMegabytes() throws Exception {
    long limit = 10L * 1024 * 1024;
    RequestSchema.check(Endpoint.UPSCALE, fields(), List.of(new FilePart("image_file", "a", null, limit, PNG)));
    assertEquals("image_file must be at most 10 MB (10485760 bytes), got 10485761 bytes",
        rejection(Endpoint.UPSCALE, fields(), List.of(new FilePart("image_file", "a", null, limit + 1, PNG))));
  }

  @Test
  void limitsReferenceGroupsAndCharacterReferences() throws Exception {
    FilePart sixMb = new FilePart("style_reference_images", "s", null, 6L * 1024 * 1024, PNG);
    assertEquals("style_reference_images must total at most 10 MB (10485760 bytes) per group, got 12582912 bytes",
        rejection(Endpoint.V3_GENERATE, fields("prompt", "p"), List.of(sixMb, sixMb)));
    assertEquals("character_reference_images accepts at most 1 image for now, got 2",
        rejection(Endpoint.V3_GENERATE, fields("prompt", "p"),
            List.of(png("character_reference_images"), png("character_reference_images"))));
    assertTrue(rejection(Endpoint.V3_GENERATE, fields("prompt", "p"),
        List.of(png("character_reference_images_mask"))).startsWith("character_reference_images_mask must match"));
  }

  @Test
  void marksACharacterReferenceCall() throws Exception {
    ImageRequest request = RequestSchema.check(Endpoint.V3_REMIX, fields("prompt", "p", "rendering_speed", "TURBO"),
        List.of(png("image"), png("character_reference_images")));
    assertEquals(new ImageRequest(Endpoint.V3_REMIX, "V_3", null, "TURBO", 1, "p", true, null), request);
    assertFalse(RequestSchema.check(Endpoint.V3_GENERATE, fields("prompt", "p"), List.of()).characterReference());
  }

  @Test
  void checksImageWeightResemblanceAndDetail() {
    assertEquals("image_weight must be an integer between 1 and 100, got 101",
        rejection(Endpoint.REMIX, fields("prompt", "p", "image_weight", 101), List.of(png("image_file"))));
    assertEquals("resemblance must be an integer between 1 and 100, got 0",
        rejection(Endpoint.UPSCALE, fields("resemblance", 0), List.of(png("image_file"))));
    assertEquals("detail must be an integer between 1 and 100, got 'high'",
        rejection(Endpoint.UPSCALE, fields("detail", "high"), List.of(png("image_file"))));
  }

  @Test
  void keepsTheNumImagesOfAnUpscaleAndCountsOneForADescribe() throws Exception {
    assertEquals(3, RequestSchema.check(Endpoint.UPSCALE, fields("num_images", 3), List.of(png("image_file")))
        .numImages());
    ImageRequest describe = RequestSchema.check(Endpoint.DESCRIBE, fields("describe_model_version", "V_3"),
        List.of(png("image_file")));
    assertEquals(1, describe.numImages());
    assertEquals("describe_model_version must be one of V_2, V_3, V_4, CUSTOM, got 'V_9'",
        rejection(Endpoint.DESCRIBE, fields("describe_model_version", "V_9"), List.of(png("image_file"))));
  }

  @Test
  void restrictsLegacyEditToTheModelsItSupports() throws Exception {
    List<FilePart> files = List.of(png("image_file"), png("mask"));
    assertEquals("V_2_TURBO", RequestSchema.check(Endpoint.EDIT, fields("prompt", "p", "model", "V_2_TURBO"), files)
        .model());
    assertEquals("model must be one of V_2, V_2_TURBO, got 'V_1'",
        rejection(Endpoint.EDIT, fields("prompt", "p", "model", "V_1"), files));
    assertEquals("model is required: one of V_2, V_2_TURBO", rejection(Endpoint.EDIT, fields("prompt", "p"), files));
  }

  @Test
  void requiresAResolutionToReframe() throws Exception {
    assertTrue(rejection(Endpoint.REFRAME, fields("model", "V_2"), List.of(png("image_file")))
        .startsWith("resolution is required: one of RESOLUTION_512_1536,"));
    assertTrue(rejection(Endpoint.V3_REFRAME, fields(), List.of(png("image")))
        .startsWith("resolution is required: one of 512x1536,"));
    ImageRequest reframe = RequestSchema.check(Endpoint.REFRAME,
        fields("model", "V_2A", "resolution", "RESOLUTION_1280_720", "num_images", 2), List.of(png("image_file")));
    assertEquals(new ImageRequest(Endpoint.REFRAME, "V_2A", null, null, 2, "", false, null), reframe);
  }

  @Test
  void checksTheColorPaletteShape() throws Exception {
    RequestSchema.check(Endpoint.GENERATE, fields("prompt", "p", "color_palette", Map.of("name", "EMBER")), List.of());
    RequestSchema.check(Endpoint.V3_GENERATE, fields("prompt", "p", "color_palette",
        "{\"members\":[{\"color_hex\":\"#ff0000\",\"color_weight\":0.5},{\"color_hex\":\"#0f0\"}]}"), List.of());
    assertTrue(rejection(Endpoint.GENERATE, fields("prompt", "p", "color_palette", Map.of()), List.of())
        .startsWith("color_palette must have exactly one of name"));
    assertTrue(rejection(Endpoint.GENERATE, fields("prompt", "p", "color_palette", Map.of("name", "NEON")),
        List.of()).startsWith("color_palette.name must be one of EMBER,"));
    assertEquals("color_palette.members[].color_hex must be #RGB or #RRGGBB, got 'red'",
        rejection(Endpoint.GENERATE, fields("prompt", "p", "color_palette",
            Map.of("members", List.of(Map.of("color_hex", "red")))), List.of()));
    assertEquals("color_palette.members[].color_weight must be a number between 0.05 and 1, got 1.5",
        rejection(Endpoint.GENERATE, fields("prompt", "p", "color_palette",
            Map.of("members", List.of(Map.of("color_hex", "#fff", "color_weight", 1.5)))), List.of()));
    assertEquals("color_palette must be valid JSON, got '{oops'",
        rejection(Endpoint.V3_GENERATE, fields("prompt", "p", "color_palette", "{oops"), List.of()));
  }

  @Test
  void checksStyleCodesAndTheirExclusions() throws Exception {
    RequestSchema.check(Endpoint.V3_GENERATE, fields("prompt", "p", "style_codes", List.of("1A2B3C4D")), List.of());
    RequestSchema.check(Endpoint.V3_GENERATE, fields("prompt", "p", "style_codes", "1a2b3c4d"), List.of());
    assertEquals("style_codes must be 8-digit hex strings such as 1A2B3C4D, got 'XYZ'",
        rejection(Endpoint.V3_GENERATE, fields("prompt", "p", "style_codes", List.of("XYZ")), List.of()));
    assertTrue(rejection(Endpoint.V3_GENERATE,
        fields("prompt", "p", "style_codes", "1A2B3C4D", "style_type", "DESIGN"), List.of())
        .startsWith("style_codes cannot be combined"));
  }

  @Test
  void checksCustomModelUriAndBooleans() {
    assertEquals("custom_model_uri must be of the form model/<name>/version/<version>, got 'mine'",
        rejection(Endpoint.V3_GENERATE, fields("prompt", "p", "custom_model_uri", "mine"), List.of()));
    assertEquals("enable_copyright_detection must be true or false, got 'maybe'",
        rejection(Endpoint.V4_GENERATE, fields("text_prompt", "p", "enable_copyright_detection", "maybe"),
            List.of()));
  }

  @Test
  void rejectsAScalarFieldSentTwice() {
    assertEquals("num_images must be given once, got 2 values",
        rejection(Endpoint.V3_GENERATE, fields("prompt", "p", "num_images", List.of("1", "2")), List.of()));
  }

  @Test
  void treatsJsonNullAsAbsent() throws Exception {
    ImageRequest request = RequestSchema.check(Endpoint.V3_GENERATE,
        fields("prompt", "p", "seed", null, "style_type", null), List.of());
    assertNull(request.styleType());
  }
}
