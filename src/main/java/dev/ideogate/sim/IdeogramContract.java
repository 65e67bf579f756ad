package dev.ideogate.sim;

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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ideogate.upstream.Endpoint;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The simulator's own reading of Ideogram's request contract (ideogram-api.md §1 files, §3 fields per route, §7
 * enums), written apart from the gateway's validation so that a gateway validation bug shows up against it. Each
 * route is a table of its documented fields and files; a field a route does not document is ignored, as Ideogram
 * ignores it. A refusal is a 400 naming the field, what is allowed and what was sent.
 */
final class IdeogramContract {
  static final long MAX_SEED = 2_147_483_647L;
  static final long MAX_FILE_BYTES = 10L * 1024 * 1024;
  private static final String CHARACTER_REFERENCES = "character_reference_images";
  private static final String CHARACTER_MASKS = "character_reference_images_mask";
  private static final String STYLE_REFERENCES = "style_reference_images";
  private static final List<String> ONE_FILE_ONLY = List.of("image_file", "image", "mask");
  private static final List<String> V4_PROMPTS = List.of("text_prompt", "json_prompt", "prompt");
  private static final int MAX_SHOWN_CHARS = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads one field's value (a JSON value, or text from multipart) into its plain form, or refuses it. */
  private interface Rule {
    Object read(String name, Object value);
  }

  /** One route: its documented fields, which of them are required, and its file parts. */
  private record Route(Map<String, Rule> fields, Set<String> required, Set<String> requiredFiles,
      Set<String> optionalFiles) {}

  private static final Rule TEXT = (name, value) -> {
    if (!(value instanceof String text)) {
      throw refuse(name + " must be a string, got " + shown(value));
    }
    return text;
  };
  private static final Rule SEED = integer(0, MAX_SEED);
  private static final Rule NUM_IMAGES = integer(1, 8);
  private static final Rule PERCENT = integer(1, 100);
  private static final Rule FLAG = IdeogramContract::flag;
  private static final Rule JSON_OBJECT = IdeogramContract::jsonObject;
  private static final Rule PALETTE = IdeogramContract::palette;
  private static final Rule STYLE_CODES = IdeogramContract::styleCodes;
  private static final Rule MODEL_URI = (name, value) -> {
    String uri = (String) TEXT.read(name, value);
    if (!Pattern.matches("model/[^/]+/version/[^/]+", uri)) {
      throw refuse(name + " must look like model/<name>/version/<version>, got " + shown(uri));
    }
    return uri;
  };

  private static final Map<Endpoint, Route> ROUTES = routes();

  private IdeogramContract() {}

  /**
   * @param fields the logical fields: the unwrapped {@code image_request} of /generate, /remix and /upscale, the
   *     text parts of a flat multipart body, or a JSON body's members
   * @throws SimRejection 400 when Ideogram would refuse the request
   */
  static SimRequest check(Endpoint endpoint, Map<String, Object> fields, List<SimFile> files) {
    Route route = ROUTES.get(endpoint);
    checkFiles(route, fields, files);
    Map<String, Object> read = new LinkedHashMap<>();
    route.fields().forEach((name, rule) -> {
      Object value = name.equals("style_codes") ? fields.get(name) : single(name, fields.get(name));
      if (value != null) {
        read.put(name, rule.read(name, value));
      }
    });
    for (String name : route.required()) {
      if (!read.containsKey(name)) {
        throw refuse(name + " is required");
      }
    }
    if (read.containsKey("aspect_ratio") && read.containsKey("resolution")) {
      throw refuse("aspect_ratio and resolution are mutually exclusive; send one of them");
    }
    return request(endpoint, read, files);
  }

  private static SimRequest request(Endpoint endpoint, Map<String, Object> read, List<SimFile> files) {
    String model = endpoint.fixedModel() != null ? endpoint.fixedModel()
        : (String) read.getOrDefault("model", "V_2");
    String styleType = (String) read.get("style_type");
    String speed = (String) read.get("rendering_speed");
    if (styleType != null && model.startsWith("V_1")) {
      throw refuse("style_type must not be sent with model " + model + " (V_2 and later only)");
    }
    if (read.containsKey("style_codes") && (styleType != null || count(files, STYLE_REFERENCES) > 0)) {
      throw refuse("style_codes cannot be combined with style_type or style_reference_images");
    }
    boolean v4 = endpoint.family() == Endpoint.Family.V4;
    if ("FLASH".equals(speed) && (v4 || endpoint.family() == Endpoint.Family.V3_TRANSPARENT)) {
      throw refuse("rendering_speed FLASH is not available on " + endpoint.path());
    }
    String prompt = v4 ? v4Prompt(read) : (String) read.getOrDefault("prompt", "");
    int numImages = ((Long) read.getOrDefault("num_images", 1L)).intValue();
    return new SimRequest(endpoint, model, styleType, speed, numImages, prompt,
        count(files, CHARACTER_REFERENCES) > 0, (String) read.get("upscale_factor"),
        (String) read.get("resolution"), (String) read.get("aspect_ratio"), (Long) read.get("seed"));
  }

  /** V4 takes exactly one of text_prompt or json_prompt (S2/S4), or the older prompt (S1). */
  private static String v4Prompt(Map<String, Object> read) {
    List<String> sent = V4_PROMPTS.stream().filter(read::containsKey).toList();
    if (sent.size() != 1) {
      throw refuse("send exactly one of text_prompt or json_prompt, got " + (sent.isEmpty() ? "neither" : sent));
    }
    Object prompt = read.get(sent.get(0));
    return prompt instanceof String text ? text : toJson(prompt);
  }

  private static void checkFiles(Route route, Map<String, Object> fields, List<SimFile> files) {
    long styleBytes = 0;
    long characterBytes = 0;
    for (SimFile file : files) {
      if (!route.requiredFiles().contains(file.field()) && !route.optionalFiles().contains(file.field())) {
        continue;
      }
      if (!file.isImage()) {
        throw refuse(file.field() + " must be a JPEG, PNG or WebP image; '" + file.filename() + "' is not");
      }
      if (file.sizeBytes() > MAX_FILE_BYTES) {
        throw refuse(file.field() + " is " + file.sizeBytes() + " bytes; at most 10 MB (" + MAX_FILE_BYTES
            + " bytes) per file");
      }
      styleBytes += file.field().equals(STYLE_REFERENCES) ? file.sizeBytes() : 0;
      characterBytes += file.field().equals(CHARACTER_REFERENCES) ? file.sizeBytes() : 0;
    }
    if (styleBytes > MAX_FILE_BYTES || characterBytes > MAX_FILE_BYTES) {
      throw refuse("style and character reference images may total at most 10 MB per group");
    }
    for (String field : ONE_FILE_ONLY) {
      if (count(files, field) > 1) {
        throw refuse(field + " takes one file, got " + count(files, field));
      }
    }
    if (count(files, CHARACTER_REFERENCES) > 1) {
      throw refuse(CHARACTER_REFERENCES + " takes at most 1 image for now");
    }
    if (count(files, CHARACTER_MASKS) > 0 && count(files, CHARACTER_MASKS) != count(files, CHARACTER_REFERENCES)) {
      throw refuse(CHARACTER_MASKS + " must come one per character reference image");
    }
    for (String field : route.requiredFiles()) {
      if (count(files, field) == 0) {
        throw refuse(field + " is required: an image file part named " + field
            + (fields.containsKey(field) ? " (it came as a text part)" : ""));
      }
    }
  }

  private static long count(List<SimFile> files, String field) {
    return files.stream().filter(file -> file.field().equals(field)).count();
  }

  /** A multipart part sent twice arrives as a list; a scalar field takes one value (JSON null = absent). */
  private static Object single(String name, Object value) {
    if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      if (list.size() != 1) {
        throw refuse(name + " must be sent once, got " + list.size() + " values");
      }
      return list.get(0);
    }
    return value;
  }

  private static Rule oneOf(Set<String> allowed) {
    return (name, value) -> {
      if (!(value instanceof String text) || !allowed.contains(text)) {
        throw refuse(name + " must be one of " + String.join(", ", allowed) + ", got " + shown(value));
      }
      return text;
    };
  }

  /** An integer in [min, max]: a JSON number, or its text from multipart (Ideogram reads 3, 3.0 and "3" alike). */
  private static Rule integer(long min, long max) {
    return (name, value) -> {
      BigDecimal number = number(value);
      if (number == null || number.signum() != 0 && number.stripTrailingZeros().scale() > 0
          || number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
        throw refuse(name + " must be an integer between " + min + " and " + max + ", got " + shown(value));
      }
      return number.longValue();
    };
  }

  private static BigDecimal number(Object value) {
    try {
      return value instanceof Number || value instanceof String ? new BigDecimal(value.toString().trim()) : null;
    } catch (NumberFormatException notANumber) {
      return null;
    }
  }

  private static Object flag(String name, Object value) {
    if (value instanceof Boolean) {
      return value;
    }
    if (value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
      return Boolean.valueOf(text);
    }
    throw refuse(name + " must be true or false, got " + shown(value));
  }

  /** A JSON object, or a multipart part holding one (ideogram-api.md §1: JSON-encoded parts). */
  private static Object jsonObject(String name, Object value) {
    Object object = value;
    if (value instanceof String text) {
      try {
        object = JSON.readValue(text, Object.class);
      } catch (JsonProcessingException e) {
        throw refuse(name + " must hold a JSON object, got " + shown(text));
      }
    }
    if (!(object instanceof Map<?, ?>)) {
      throw refuse(name + " must be a JSON object, got " + shown(value));
    }
    return object;
  }

  /** color_palette (§3.1): {name: preset} or {members: 1..8 × {color_hex, color_weight 0.05..1}}. */
  private static Object palette(String name, Object value) {
    Map<?, ?> palette = (Map<?, ?>) jsonObject(name, value);
    Object preset = palette.get("name");
    Object members = palette.get("members");
    if ((preset == null) == (members == null)) {
      throw refuse(name + " must have either name or members");
    }
    if (preset != null) {
      return oneOf(COLOR_PALETTE_NAMES).read(name + ".name", preset);
    }
    if (!(members instanceof List<?> list) || list.isEmpty() || list.size() > 8) {
      throw refuse(name + ".members must be a list of 1 to 8 colours");
    }
    for (Object member : list) {
      Object hex = member instanceof Map<?, ?> m ? m.get("color_hex") : null;
      if (!(hex instanceof String text) || !Pattern.matches("#([0-9a-fA-F]{3}){1,2}", text)) {
        throw refuse(name + ".members[].color_hex must be #RGB or #RRGGBB, got " + shown(hex));
      }
      Object weight = ((Map<?, ?>) member).get("color_weight");
      BigDecimal number = number(weight);
      if (weight != null && (number == null
          || number.compareTo(new BigDecimal("0.05")) < 0 || number.compareTo(BigDecimal.ONE) > 0)) {
        throw refuse(name + ".members[].color_weight must be a number from 0.05 to 1.0, got " + shown(weight));
      }
    }
    return palette;
  }

  /** style_codes (§3.7): 8 hex digits each, as a JSON array, a JSON-encoded part, or repeated parts. */
  private static Object styleCodes(String name, Object value) {
    Object codes = value;
    if (value instanceof String text && text.trim().startsWith("[")) {
      try {
        codes = JSON.readValue(text, List.class);
      } catch (JsonProcessingException e) {
        throw refuse(name + " must be a JSON array of codes, got " + shown(text));
      }
    }
    List<?> list = codes instanceof List<?> many ? many : List.of(codes);
    for (Object code : list) {
      if (!(code instanceof String text) || !Pattern.matches("[0-9A-Fa-f]{8}", text)) {
        throw refuse(name + " must be codes of 8 hex digits, got " + shown(code));
      }
    }
    return list;
  }

  private static SimRejection refuse(String message) {
    return SimRejection.of(400, message);
  }

  private static String shown(Object value) {
    String text = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    return text.length() > MAX_SHOWN_CHARS ? text.substring(0, MAX_SHOWN_CHARS) + "…" : text;
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON value always writes back", e);
    }
  }

  /** The routes of ideogram-api.md §3, field by field. */
  private static Map<Endpoint, Route> routes() {
    Map<Endpoint, Route> routes = new EnumMap<>(Endpoint.class);
    RouteTable legacy = new RouteTable().required("prompt", TEXT).field("model", oneOf(MODELS_LEGACY))
        .field("aspect_ratio", oneOf(ASPECT_RATIOS_LEGACY)).field("resolution", oneOf(RESOLUTIONS_LEGACY))
        .field("magic_prompt_option", oneOf(MAGIC_PROMPT_OPTIONS))
        .field("magic_prompt_version", oneOf(MAGIC_PROMPT_VERSIONS))
        .field("style_type", oneOf(STYLE_TYPES_LEGACY)).field("negative_prompt", TEXT)
        .field("num_images", NUM_IMAGES).field("seed", SEED).field("color_palette", PALETTE);
    routes.put(Endpoint.GENERATE, legacy.route());
    routes.put(Endpoint.REMIX, legacy.copy().field("image_weight", PERCENT).requiredFile("image_file").route());
    routes.put(Endpoint.EDIT, new RouteTable().requiredFile("image_file").requiredFile("mask")
        .required("prompt", TEXT).required("model", oneOf(MODELS_LEGACY_EDIT))
        .field("magic_prompt_option", oneOf(MAGIC_PROMPT_OPTIONS)).field("num_images", NUM_IMAGES)
        .field("seed", SEED).field("style_type", oneOf(STYLE_TYPES_LEGACY)).route());
    routes.put(Endpoint.UPSCALE, new RouteTable().requiredFile("image_file").field("prompt", TEXT)
        .field("resemblance", PERCENT).field("detail", PERCENT)
        .field("magic_prompt_option", oneOf(MAGIC_PROMPT_OPTIONS))
        .field("magic_prompt_version", oneOf(MAGIC_PROMPT_VERSIONS)).field("num_images", NUM_IMAGES)
        .field("seed", SEED).route());
    routes.put(Endpoint.DESCRIBE, new RouteTable().requiredFile("image_file")
        .field("describe_model_version", oneOf(DESCRIBE_MODEL_VERSIONS)).route());
    routes.put(Endpoint.REFRAME, new RouteTable().requiredFile("image_file")
        .required("resolution", oneOf(RESOLUTIONS_LEGACY)).required("model", oneOf(MODELS_LEGACY))
        .field("num_images", NUM_IMAGES).field("seed", SEED).field("style_type", oneOf(STYLE_TYPES_LEGACY))
        .route());
    // §3.7: what every V3 image route shares
    RouteTable v3 = new RouteTable().field("num_images", NUM_IMAGES).field("seed", SEED)
        .field("rendering_speed", oneOf(RENDERING_SPEEDS)).field("style_preset", oneOf(STYLE_PRESETS_V3))
        .field("color_palette", PALETTE).field("style_codes", STYLE_CODES)
        .field("enable_copyright_detection", FLAG).optionalFile(STYLE_REFERENCES);
    RouteTable v3Styled = v3.copy().required("prompt", TEXT).field("magic_prompt", oneOf(MAGIC_PROMPT_OPTIONS))
        .field("style_type", oneOf(STYLE_TYPES_V3)).field("custom_model_uri", MODEL_URI)
        .optionalFile(CHARACTER_REFERENCES).optionalFile(CHARACTER_MASKS);
    RouteTable v3Framed = v3Styled.copy().field("aspect_ratio", oneOf(ASPECT_RATIOS_V3))
        .field("resolution", oneOf(RESOLUTIONS_V3)).field("negative_prompt", TEXT);
    routes.put(Endpoint.V3_GENERATE, v3Framed.route());
    routes.put(Endpoint.V3_REMIX, v3Framed.copy().requiredFile("image").field("image_weight", PERCENT).route());
    routes.put(Endpoint.V3_EDIT, v3Styled.copy().requiredFile("image").requiredFile("mask").route());
    routes.put(Endpoint.V3_INPAINT, routes.get(Endpoint.V3_EDIT));
    routes.put(Endpoint.V3_REFRAME, v3.copy().requiredFile("image").required("resolution", oneOf(RESOLUTIONS_V3))
        .route());
    routes.put(Endpoint.V3_REPLACE_BACKGROUND, v3.copy().requiredFile("image").required("prompt", TEXT)
        .field("magic_prompt", oneOf(MAGIC_PROMPT_OPTIONS)).route());
    routes.put(Endpoint.V3_GENERATE_TRANSPARENT, new RouteTable().required("prompt", TEXT).field("seed", SEED)
        .field("upscale_factor", oneOf(UPSCALE_FACTORS)).field("aspect_ratio", oneOf(ASPECT_RATIOS_V3))
        .field("rendering_speed", oneOf(RENDERING_SPEEDS)).field("magic_prompt", oneOf(MAGIC_PROMPT_OPTIONS))
        .field("negative_prompt", TEXT).field("num_images", NUM_IMAGES).field("custom_model_uri", MODEL_URI)
        .route());
    // §3.8: both the S1 and the S2/S4 shapes; num_images kept from the S1 response array
    Route v4 = new RouteTable().field("text_prompt", TEXT).field("json_prompt", JSON_OBJECT).field("prompt", TEXT)
        .field("resolution", oneOf(RESOLUTIONS_V4)).field("rendering_speed", oneOf(RENDERING_SPEEDS))
        .field("magic_prompt_option", oneOf(MAGIC_PROMPT_OPTIONS)).field("magic_prompt", oneOf(MAGIC_PROMPT_OPTIONS))
        .field("custom_model_uri", MODEL_URI).field("enable_copyright_detection", FLAG).field("seed", SEED)
        .field("num_images", NUM_IMAGES).route();
    for (Endpoint endpoint : Endpoint.values()) {
      if (endpoint.family() == Endpoint.Family.V4) {
        routes.put(endpoint, v4);
      }
    }
    for (Endpoint endpoint : Endpoint.values()) {
      if (!routes.containsKey(endpoint)) {
        throw new IllegalStateException("the simulator has no contract for " + endpoint.path());
      }
    }
    return routes;
  }

  /** Builds one route's table; {@link #copy} starts a route from what another shares. */
  private static final class RouteTable {
    private final Map<String, Rule> fields = new LinkedHashMap<>();
    private final Set<String> required = new LinkedHashSet<>();
    private final Set<String> requiredFiles = new LinkedHashSet<>();
    private final Set<String> optionalFiles = new LinkedHashSet<>();

    RouteTable field(String name, Rule rule) {
      fields.put(name, rule);
      return this;
    }

    RouteTable required(String name, Rule rule) {
      required.add(name);
      return field(name, (field, value) -> {
        Object read = rule.read(field, value);
        if (read instanceof String text && text.isBlank()) {
          throw refuse(field + " is required and must not be empty");
        }
        return read;
      });
    }

    RouteTable requiredFile(String field) {
      requiredFiles.add(field);
      return this;
    }

    RouteTable optionalFile(String field) {
      optionalFiles.add(field);
      return this;
    }

    RouteTable copy() {
      RouteTable copy = new RouteTable();
      copy.fields.putAll(fields);
      copy.required.addAll(required);
      copy.requiredFiles.addAll(requiredFiles);
      copy.optionalFiles.addAll(optionalFiles);
      return copy;
    }

    Route route() {
      return new Route(Map.copyOf(fields), Set.copyOf(required), Set.copyOf(requiredFiles),
          Set.copyOf(optionalFiles));
    }
  }
}
