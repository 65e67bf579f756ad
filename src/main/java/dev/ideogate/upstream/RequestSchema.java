package dev.ideogate.upstream;

import static dev.ideogate.upstream.IdeogramEnums.ASPECT_RATIOS_LEGACY;
import static dev.ideogate.upstream.IdeogramEnums.ASPECT_RATIOS_V3;
import static dev.ideogate.upstream.IdeogramEnums.COLOR_PALETTE_NAMES;
import static dev.ideogate.upstream.IdeogramEnums.DESCRIBE_MODEL_VERSIONS;
import static dev.ideogate.upstream.IdeogramEnums.MAGIC_PROMPT_OPTIONS;
import static dev.ideogate.upstream.IdeogramEnums.MAGIC_PROMPT_VERSIONS;
import static dev.ideogate.upstream.IdeogramEnums.MODELS_LEGACY;
import static dev.ideogate.upstream.IdeogramEnums.MODELS_LEGACY_EDIT;
import static dev.ideogate.upstream.IdeogramEnums.RENDERING_SPEEDS;
import static dev.ideogate.upstream.IdeogramEnums.RESOLUTIONS_LEGACY;
import static dev.ideogate.upstream.IdeogramEnums.RESOLUTIONS_V3;
import static dev.ideogate.upstream.IdeogramEnums.RESOLUTIONS_V4;
import static dev.ideogate.upstream.IdeogramEnums.STYLE_PRESETS_V3;
import static dev.ideogate.upstream.IdeogramEnums.STYLE_TYPES_LEGACY;
import static dev.ideogate.upstream.IdeogramEnums.STYLE_TYPES_V3;
import static dev.ideogate.upstream.IdeogramEnums.UPSCALE_FACTORS;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Validates one request against Ideogram's documented fields (ideogram-api.md §3, enums §7) and extracts what
 * policy and pricing need. Fields an endpoint does not document are passed through untouched: Ideogram ignores
 * them and so must the gateway. Where sources conflict the looser reading wins (V4 takes the S1 {@code prompt} or
 * the S2/S4 {@code text_prompt}/{@code json_prompt}).
 */
public final class RequestSchema {
  public static final long MAX_SEED = 2_147_483_647L;
  public static final String DEFAULT_LEGACY_MODEL = "V_2";

  private static final Pattern CUSTOM_MODEL_URI = Pattern.compile("model/[^/]+/version/[^/]+");
  private static final Pattern STYLE_CODE = Pattern.compile("[0-9A-Fa-f]{8}");
  private static final Pattern COLOR_HEX = Pattern.compile("#([0-9a-fA-F]{3}){1,2}");
  private static final BigDecimal MIN_COLOR_WEIGHT = new BigDecimal("0.05");
  private static final List<String> V4_PROMPT_FIELDS = List.of("text_prompt", "json_prompt", "prompt");

  private RequestSchema() {}

  /**
   * @param fields the logical fields: the unwrapped {@code image_request} for /generate, /remix, /upscale; the
   *     text parts for flat multipart; the parsed values of a JSON body
   * @param files the uploaded files of a multipart request (empty for JSON)
   */
  public static ImageRequest check(Endpoint endpoint, Map<String, Object> fields, List<FilePart> files)
      throws InvalidRequestException {
    Objects.requireNonNull(endpoint, "endpoint");
    RequestFields f = new RequestFields(fields);
    ImageFiles images = new ImageFiles(files, fields);
    switch (endpoint) {
      case GENERATE:
        images.check();
        return legacyGenerate(endpoint, f, false);
      case REMIX:
        images.check("image_file");
        return legacyGenerate(endpoint, f, true);
      case EDIT:
        images.check("image_file", "mask");
        return legacyEdit(endpoint, f);
      case REFRAME:
        images.check("image_file");
        return legacyReframe(endpoint, f);
      case UPSCALE:
        images.check("image_file");
        return upscale(endpoint, f);
      case DESCRIBE:
        images.check("image_file");
        f.optionalEnum("describe_model_version", DESCRIBE_MODEL_VERSIONS);
        return new ImageRequest(endpoint, DEFAULT_LEGACY_MODEL, null, null, 1, "", false, null);
      case V3_GENERATE:
        images.check();
        return v3(endpoint, f, images, f.requiredText("prompt"), true, true);
      case V3_EDIT:
      case V3_INPAINT:
        images.check("image", "mask");
        return v3(endpoint, f, images, f.requiredText("prompt"), true, false);
      case V3_REMIX:
        images.check("image");
        f.optionalInt("image_weight", 1, 100, 50);
        return v3(endpoint, f, images, f.requiredText("prompt"), true, true);
      case V3_REFRAME:
        images.check("image");
        f.requiredEnum("resolution", RESOLUTIONS_V3);
        return v3(endpoint, f, images, "", false, false);
      case V3_REPLACE_BACKGROUND:
        images.check("image");
        return v3(endpoint, f, images, f.requiredText("prompt"), false, false);
      case V3_GENERATE_TRANSPARENT:
        images.check();
        return v3Transparent(endpoint, f);
      case V4_GENERATE:
      case V4_GENERATE_TRANSPARENT:
      case V4_ASYNC_GENERATE:
      case V4_ASYNC_GENERATE_TRANSPARENT:
        images.check();
        return v4(endpoint, f);
      default:
        throw new IllegalStateException("no schema for " + endpoint);
    }
  }

  private static ImageRequest legacyGenerate(Endpoint endpoint, RequestFields f, boolean remix)
      throws InvalidRequestException {
    String prompt = f.requiredText("prompt");
    String model = f.optionalEnum("model", MODELS_LEGACY, DEFAULT_LEGACY_MODEL);
    f.atMostOneOf("aspect_ratio", "resolution");
    f.optionalEnum("aspect_ratio", ASPECT_RATIOS_LEGACY);
    f.optionalEnum("resolution", RESOLUTIONS_LEGACY);
    legacyMagicPrompt(f);
    String styleType = legacyStyleType(f, model);
    f.optionalText("negative_prompt");
    colorPalette(f);
    if (remix) {
      f.optionalInt("image_weight", 1, 100, 50);
    }
    int numImages = numImagesAndSeed(f);
    return new ImageRequest(endpoint, model, styleType, null, numImages, prompt, false, null);
  }

  private static ImageRequest legacyEdit(Endpoint endpoint, RequestFields f) throws InvalidRequestException {
    String prompt = f.requiredText("prompt");
    String model = f.requiredEnum("model", MODELS_LEGACY_EDIT);
    f.optionalEnum("magic_prompt_option", MAGIC_PROMPT_OPTIONS);
    String styleType = legacyStyleType(f, model);
    int numImages = numImagesAndSeed(f);
    return new ImageRequest(endpoint, model, styleType, null, numImages, prompt, false, null);
  }

  private static ImageRequest legacyReframe(Endpoint endpoint, RequestFields f) throws InvalidRequestException {
    f.requiredEnum("resolution", RESOLUTIONS_LEGACY);
    String model = f.requiredEnum("model", MODELS_LEGACY);
    String styleType = legacyStyleType(f, model);
    int numImages = numImagesAndSeed(f);
    return new ImageRequest(endpoint, model, styleType, null, numImages, "", false, null);
  }

  private static ImageRequest upscale(Endpoint endpoint, RequestFields f) throws InvalidRequestException {
    String prompt = f.optionalText("prompt");
    f.optionalInt("resemblance", 1, 100, 50);
    f.optionalInt("detail", 1, 100, 50);
    legacyMagicPrompt(f);
    int numImages = numImagesAndSeed(f);
    return new ImageRequest(endpoint, DEFAULT_LEGACY_MODEL, null, null, numImages, prompt, false, null);
  }

  /** The V3 family's shared fields; aspect/resolution and negative_prompt only where the endpoint has them. */
  private static ImageRequest v3(Endpoint endpoint, RequestFields f, ImageFiles images, String prompt,
      boolean hasStyleType, boolean hasAspectRatio) throws InvalidRequestException {
    if (hasAspectRatio) {
      f.atMostOneOf("aspect_ratio", "resolution");
      f.optionalEnum("aspect_ratio", ASPECT_RATIOS_V3);
      f.optionalEnum("resolution", RESOLUTIONS_V3);
      f.optionalText("negative_prompt");
    }
    String speed = f.optionalEnum("rendering_speed", RENDERING_SPEEDS);
    f.optionalEnum("magic_prompt", MAGIC_PROMPT_OPTIONS);
    String styleType = hasStyleType ? f.optionalEnum("style_type", STYLE_TYPES_V3) : null;
    f.optionalEnum("style_preset", STYLE_PRESETS_V3);
    f.optionalMatching("custom_model_uri", CUSTOM_MODEL_URI, "of the form model/<name>/version/<version>");
    f.optionalBoolean("enable_copyright_detection");
    colorPalette(f);
    styleCodes(f, images, styleType);
    int numImages = numImagesAndSeed(f);
    boolean characterReference = images.has(ImageFiles.CHARACTER_REFERENCES);
    return new ImageRequest(endpoint, endpoint.fixedModel(), styleType, speed, numImages, prompt,
        characterReference, null);
  }

  private static ImageRequest v3Transparent(Endpoint endpoint, RequestFields f) throws InvalidRequestException {
    String prompt = f.requiredText("prompt");
    String upscaleFactor = f.optionalEnum("upscale_factor", UPSCALE_FACTORS, "X1");
    f.optionalEnum("aspect_ratio", ASPECT_RATIOS_V3);
    String speed = speedWithoutFlash(f, endpoint);
    f.optionalEnum("magic_prompt", MAGIC_PROMPT_OPTIONS);
    f.optionalText("negative_prompt");
    f.optionalMatching("custom_model_uri", CUSTOM_MODEL_URI, "of the form model/<name>/version/<version>");
    int numImages = numImagesAndSeed(f);
    return new ImageRequest(endpoint, endpoint.fixedModel(), null, speed, numImages, prompt, false, upscaleFactor);
  }

  private static ImageRequest v4(Endpoint endpoint, RequestFields f) throws InvalidRequestException {
    List<String> sent = new ArrayList<>();
    for (String field : V4_PROMPT_FIELDS) {
      if (f.has(field)) {
        sent.add(field);
      }
    }
    if (sent.size() != 1) {
      throw new InvalidRequestException("exactly one of text_prompt, json_prompt or prompt is required, got "
          + (sent.isEmpty() ? "none" : String.join(" and ", sent)));
    }
    String prompt = sent.get(0).equals("json_prompt")
        ? RequestFields.json(f.optionalObject("json_prompt"))
        : f.requiredText(sent.get(0));
    f.optionalEnum("resolution", RESOLUTIONS_V4);
    String speed = speedWithoutFlash(f, endpoint);
    f.optionalEnum("magic_prompt_option", MAGIC_PROMPT_OPTIONS);
    f.optionalEnum("magic_prompt", MAGIC_PROMPT_OPTIONS);
    f.optionalMatching("custom_model_uri", CUSTOM_MODEL_URI, "of the form model/<name>/version/<version>");
    f.optionalBoolean("enable_copyright_detection");
    int numImages = numImagesAndSeed(f);
    return new ImageRequest(endpoint, endpoint.fixedModel(), null, speed, numImages, prompt, false, null);
  }

  private static int numImagesAndSeed(RequestFields f) throws InvalidRequestException {
    f.optionalLong("seed", 0, MAX_SEED);
    return f.optionalInt("num_images", 1, 8, 1);
  }

  private static void legacyMagicPrompt(RequestFields f) throws InvalidRequestException {
    f.optionalEnum("magic_prompt_option", MAGIC_PROMPT_OPTIONS);
    f.optionalEnum("magic_prompt_version", MAGIC_PROMPT_VERSIONS);
  }

  /** style_type is for V_2 and above; Ideogram says it must not be sent with V_1 (§3.1). */
  private static String legacyStyleType(RequestFields f, String model) throws InvalidRequestException {
    String styleType = f.optionalEnum("style_type", STYLE_TYPES_LEGACY);
    if (styleType != null && model.startsWith("V_1")) {
      throw new InvalidRequestException(
          "style_type is only supported by V_2 and later models; remove it or choose another model than " + model);
    }
    return styleType;
  }

  /** FLASH answers 400 on V4 and on generate-transparent (§3.7, §3.8). */
  private static String speedWithoutFlash(RequestFields f, Endpoint endpoint) throws InvalidRequestException {
    String speed = f.optionalEnum("rendering_speed", RENDERING_SPEEDS);
    if ("FLASH".equals(speed)) {
      throw new InvalidRequestException("rendering_speed FLASH is not available on " + endpoint.path()
          + "; use one of TURBO, DEFAULT, QUALITY");
    }
    return speed;
  }

  /** style_codes: 8 hex digits each; not together with style_reference_images or style_type (§3.7). */
  private static void styleCodes(RequestFields f, ImageFiles images, String styleType)
      throws InvalidRequestException {
    List<?> codes = f.optionalList("style_codes");
    if (codes == null) {
      return;
    }
    for (Object code : codes) {
      if (!(code instanceof String text) || !STYLE_CODE.matcher(text).matches()) {
        throw new InvalidRequestException(
            "style_codes must be 8-digit hex strings such as 1A2B3C4D, got " + RequestFields.shown(code));
      }
    }
    if (styleType != null || images.has(ImageFiles.STYLE_REFERENCES)) {
      throw new InvalidRequestException(
          "style_codes cannot be combined with style_type or style_reference_images; send only one of them");
    }
  }

  /** color_palette: {name: preset} or {members: 1..8 of {color_hex, color_weight 0.05..1.0}} (§3.1). */
  private static void colorPalette(RequestFields f) throws InvalidRequestException {
    Map<?, ?> palette = f.optionalObject("color_palette");
    if (palette == null) {
      return;
    }
    Object name = palette.get("name");
    Object members = palette.get("members");
    if ((name == null) == (members == null)) {
      throw new InvalidRequestException("color_palette must have exactly one of name (one of "
          + String.join(", ", COLOR_PALETTE_NAMES) + ") or members (1 to 8 {color_hex, color_weight})");
    }
    if (name != null) {
      if (!COLOR_PALETTE_NAMES.contains(name)) {
        throw new InvalidRequestException("color_palette.name must be one of " + String.join(", ", COLOR_PALETTE_NAMES)
            + ", got " + RequestFields.shown(name));
      }
      return;
    }
    if (!(members instanceof List<?> list) || list.isEmpty() || list.size() > 8) {
      throw new InvalidRequestException("color_palette.members must be a list of 1 to 8 {color_hex, color_weight}");
    }
    for (Object member : list) {
      colorPaletteMember(member);
    }
  }

  private static void colorPaletteMember(Object member) throws InvalidRequestException {
    if (!(member instanceof Map<?, ?> entry)) {
      throw new InvalidRequestException("color_palette.members items must be objects {color_hex, color_weight}");
    }
    Object hex = entry.get("color_hex");
    if (!(hex instanceof String text) || !COLOR_HEX.matcher(text).matches()) {
      throw new InvalidRequestException(
          "color_palette.members[].color_hex must be #RGB or #RRGGBB, got " + RequestFields.shown(hex));
    }
    Object weight = entry.get("color_weight");
    if (weight != null) {
      RequestFields.decimalIn("color_palette.members[].color_weight", weight, MIN_COLOR_WEIGHT, BigDecimal.ONE);
    }
  }
}
