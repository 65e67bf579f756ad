package dev.ideogate.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ideogate.policy.TeamPolicy;
import dev.ideogate.testing.Await;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.FilePart;
import dev.ideogate.upstream.IdeogramEnums;
import dev.ideogate.upstream.InvalidRequestException;
import dev.ideogate.upstream.RequestSchema;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Property: every body the gateway admits (its own {@code RequestSchema} and the prompt cap of {@link TeamPolicy})
 * is answered 200 by the simulator, over real HTTP on loopback, on every route, in every encoding the route takes,
 * with prompts up to the full 10,000 characters (of one to four UTF-8 bytes each), JSON-escaped or not. A simulator 5xx
 * would hide the gateway's behaviour; a 400 means the two readings of Ideogram's contract disagree. The bodies come
 * from a seeded generator: a failure names its seed, endpoint and body so it can be replayed.
 */
@ExtendWith(VertxExtension.class)
class SimulatorAcceptsWhatTheGatewayAdmitsTest {
  private static final String KEY = "sim-property-key";
  private static final long SEED = 0x1de0_6a7eL;
  private static final int CASES_PER_ENCODING = 24;
  private static final Set<Endpoint> WRAPPED = Set.of(Endpoint.GENERATE, Endpoint.REMIX, Endpoint.UPSCALE);
  /** ASCII, JSON specials, accents, CJK, an emoji: 1 to 4 UTF-8 bytes, 1 to 12 once JSON-escaped. */
  private static final int[] PROMPT_CODE_POINTS =
      {'a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '{', 0xE9, 0x00FC, 0x4E2D, 0x1F98A, 0x1F3A8};
  private static final ObjectMapper PLAIN_JSON = new ObjectMapper();
  private static final ObjectMapper ESCAPED_JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  private static final Map<String, byte[]> IMAGE_HEADS = Map.of(
      "png", ImageFileHandler.PNG.getBytes(),
      "jpg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1},
      "webp", new byte[] {'R', 'I', 'F', 'F', 36, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '});

  private IdeogramSimulator simulator;
  private WebClient client;
  private final Random random = new Random(SEED);

  /** One generated request: what the gateway reads (fields, files) and how it goes on the wire. */
  private record Case(Endpoint endpoint, boolean json, Map<String, Object> fields, List<String[]> files,
      boolean escaped) {}

  @BeforeEach
  void startSimulator(Vertx vertx) {
    simulator = Await.await(IdeogramSimulator.start(vertx, SimulatorOptions.defaults().withTimeScale(0)
        .withAccounts(List.of(SimulatorOptions.Account.unlimited(KEY)))));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(simulator.port()), new PoolOptions().setHttp1MaxSize(4));
  }

  @AfterEach
  void stopSimulator() {
    Await.await(simulator.stop());
  }

  @Test
  void answers200ToEveryBodyTheGatewayAdmitsOnEveryRoute() throws Exception {
    Map<Endpoint, Integer> admitted = new EnumMap<>(Endpoint.class);
    int maxLengthPrompts = 0;
    for (Endpoint endpoint : Endpoint.values()) {
      for (boolean json : encodings(endpoint)) {
        for (int i = 0; i < CASES_PER_ENCODING; i++) {
          Case c = generate(endpoint, json, i == 0);
          if (!gatewayAdmits(c)) {
            continue;
          }
          admitted.merge(endpoint, 1, Integer::sum);
          maxLengthPrompts += promptLength(c) == TeamPolicy.MAX_PROMPT_CHARS ? 1 : 0;
          HttpResponse<Buffer> response = Await.await(send(c));
          assertEquals(200, response.statusCode(), () -> "seed " + SEED + ", " + endpoint.path()
              + (json ? " JSON" : " multipart") + (c.escaped() ? " escaped" : "") + ", fields "
              + summary(c.fields()) + ", files " + c.files().stream().map(f -> f[0] + "." + f[1]).toList()
              + ": " + response.bodyAsString());
        }
      }
    }
    for (Endpoint endpoint : Endpoint.values()) {
      // the generator writes what the gateway admits; a route it rarely hits would test nothing
      assertTrue(admitted.getOrDefault(endpoint, 0) >= CASES_PER_ENCODING / 2,
          endpoint.path() + ": only " + admitted.get(endpoint) + " generated bodies admitted by the gateway");
    }
    assertTrue(maxLengthPrompts >= 20, "only " + maxLengthPrompts + " bodies with a 10,000-character prompt");
  }

  private static List<Boolean> encodings(Endpoint endpoint) {
    return switch (endpoint.body()) {
      case JSON -> List.of(true);
      case MULTIPART -> List.of(false);
      case JSON_OR_MULTIPART -> List.of(true, false);
    };
  }

  /** The gateway's own verdict: RequestSchema on what it parses, then the prompt cap of the team policy. */
  private static boolean gatewayAdmits(Case c) throws Exception {
    List<FilePart> parts = new ArrayList<>();
    for (String[] file : c.files()) {
      byte[] head = IMAGE_HEADS.get(file[1]);
      parts.add(new FilePart(file[0], file[0] + "." + file[1], "image/" + file[1], head.length, head));
    }
    Map<String, Object> parsed = c.json() || WRAPPED.contains(c.endpoint())
        ? PLAIN_JSON.readValue(PLAIN_JSON.writeValueAsString(c.fields()), new TypeReference<>() {})
        : c.fields();
    try {
      String prompt = RequestSchema.check(c.endpoint(), parsed, parts).prompt();
      return prompt.codePointCount(0, prompt.length()) <= TeamPolicy.MAX_PROMPT_CHARS;
    } catch (InvalidRequestException refused) {
      return false;
    }
  }

  private io.vertx.core.Future<HttpResponse<Buffer>> send(Case c) throws Exception {
    HttpRequest<Buffer> request = client.post(c.endpoint().path()).putHeader("Api-Key", KEY);
    ObjectMapper writer = c.escaped() ? ESCAPED_JSON : PLAIN_JSON;
    if (c.json()) {
      Object body = WRAPPED.contains(c.endpoint()) ? Map.of("image_request", c.fields()) : c.fields();
      return request.putHeader("Content-Type", "application/json").sendBuffer(
          Buffer.buffer(writer.writeValueAsBytes(body)));
    }
    MultipartForm form = MultipartForm.create();
    if (WRAPPED.contains(c.endpoint())) {
      form.attribute("image_request", writer.writeValueAsString(c.fields()));
    } else {
      for (Map.Entry<String, Object> field : c.fields().entrySet()) {
        for (Object value : field.getValue() instanceof List<?> list ? list : List.of(field.getValue())) {
          form.attribute(field.getKey(), value.toString());
        }
      }
    }
    for (String[] file : c.files()) {
      form.binaryFileUpload(file[0], file[0] + "." + file[1], Buffer.buffer(IMAGE_HEADS.get(file[1])),
          "image/" + file[1]);
    }
    return request.sendMultipartForm(form);
  }

  /** A request of {@code endpoint} as Ideogram documents it, optional fields drawn at random. */
  private Case generate(Endpoint endpoint, boolean json, boolean maxLength) {
    // multipart flat fields are text; JSON bodies and image_request parts carry JSON values
    Values v = new Values(json || WRAPPED.contains(endpoint), maxLength || random.nextInt(3) == 0);
    Map<String, Object> f = new LinkedHashMap<>();
    List<String[]> files = new ArrayList<>();
    switch (endpoint) {
      case GENERATE, REMIX -> {
        f.put("prompt", v.prompt());
        String model = v.pick(IdeogramEnums.MODELS_LEGACY);
        maybe(f, "model", () -> model);
        legacyFrame(f, v);
        maybe(f, "magic_prompt_option", () -> v.pick(IdeogramEnums.MAGIC_PROMPT_OPTIONS));
        maybe(f, "magic_prompt_version", () -> v.pick(IdeogramEnums.MAGIC_PROMPT_VERSIONS));
        if (!f.containsKey("model") || !model.startsWith("V_1")) {
          maybe(f, "style_type", () -> v.pick(IdeogramEnums.STYLE_TYPES_LEGACY));
        }
        maybe(f, "negative_prompt", v::text);
        maybe(f, "color_palette", v::palette);
        counts(f, v);
        if (endpoint == Endpoint.REMIX) {
          maybe(f, "image_weight", () -> v.integer(1, 100));
          files.add(file("image_file"));
        }
      }
      case EDIT -> {
        f.put("prompt", v.prompt());
        f.put("model", v.pick(IdeogramEnums.MODELS_LEGACY_EDIT));
        maybe(f, "magic_prompt_option", () -> v.pick(IdeogramEnums.MAGIC_PROMPT_OPTIONS));
        maybe(f, "style_type", () -> v.pick(IdeogramEnums.STYLE_TYPES_LEGACY));
        counts(f, v);
        files.add(file("image_file"));
        files.add(file("mask"));
      }
      case UPSCALE -> {
        maybe(f, "prompt", v::prompt);
        maybe(f, "resemblance", () -> v.integer(1, 100));
        maybe(f, "detail", () -> v.integer(1, 100));
        maybe(f, "magic_prompt_option", () -> v.pick(IdeogramEnums.MAGIC_PROMPT_OPTIONS));
        maybe(f, "magic_prompt_version", () -> v.pick(IdeogramEnums.MAGIC_PROMPT_VERSIONS));
        counts(f, v);
        files.add(file("image_file"));
      }
      case DESCRIBE -> {
        maybe(f, "describe_model_version", () -> v.pick(IdeogramEnums.DESCRIBE_MODEL_VERSIONS));
        files.add(file("image_file"));
      }
      case REFRAME -> {
        f.put("resolution", v.pick(IdeogramEnums.RESOLUTIONS_LEGACY));
        String model = v.pick(IdeogramEnums.MODELS_LEGACY);
        f.put("model", model);
        if (!model.startsWith("V_1")) {
          maybe(f, "style_type", () -> v.pick(IdeogramEnums.STYLE_TYPES_LEGACY));
        }
        counts(f, v);
        files.add(file("image_file"));
      }
      case V3_GENERATE, V3_REMIX, V3_EDIT, V3_INPAINT -> {
        f.put("prompt", v.prompt());
        if (endpoint == Endpoint.V3_GENERATE || endpoint == Endpoint.V3_REMIX) {
          v3Frame(f, v);
          maybe(f, "negative_prompt", v::text);
        }
        if (endpoint == Endpoint.V3_REMIX) {
          maybe(f, "image_weight", () -> v.integer(1, 100));
        }
        maybe(f, "magic_prompt", () -> v.pick(IdeogramEnums.MAGIC_PROMPT_OPTIONS));
        maybe(f, "custom_model_uri", () -> "model/m" + random.nextInt(99) + "/version/" + random.nextInt(9));
        v3Shared(f, v, files, true);
        if (random.nextBoolean()) {
          files.add(file("character_reference_images"));
          if (random.nextBoolean()) {
            files.add(file("character_reference_images_mask"));
          }
        }
        if (endpoint != Endpoint.V3_GENERATE) {
          files.add(file("image"));
        }
        if (endpoint == Endpoint.V3_EDIT || endpoint == Endpoint.V3_INPAINT) {
          files.add(file("mask"));
        }
      }
      case V3_REFRAME, V3_REPLACE_BACKGROUND -> {
        if (endpoint == Endpoint.V3_REFRAME) {
          f.put("resolution", v.pick(IdeogramEnums.RESOLUTIONS_V3));
        } else {
          f.put("prompt", v.prompt());
          maybe(f, "magic_prompt", () -> v.pick(IdeogramEnums.MAGIC_PROMPT_OPTIONS));
        }
        v3Shared(f, v, files, false);
        files.add(file("image"));
      }
      case V3_GENERATE_TRANSPARENT -> {
        f.put("prompt", v.prompt());
        maybe(f, "upscale_factor", () -> v.pick(IdeogramEnums.UPSCALE_FACTORS));
        maybe(f, "aspect_ratio", () -> v.pick(IdeogramEnums.ASPECT_RATIOS_V3));
        maybe(f, "rendering_speed", () -> v.pickOtherThan(IdeogramEnums.RENDERING_SPEEDS, "FLASH"));
        maybe(f, "magic_prompt", () -> v.pick(IdeogramEnums.MAGIC_PROMPT_OPTIONS));
        maybe(f, "negative_prompt", v::text);
        counts(f, v);
      }
      default -> { // the V4 family, sync and async
        int shape = random.nextInt(3);
        f.put(List.of("text_prompt", "prompt", "json_prompt").get(shape), shape == 2 ? v.jsonPrompt() : v.prompt());
        maybe(f, "resolution", () -> v.pick(IdeogramEnums.RESOLUTIONS_V4));
        maybe(f, "rendering_speed", () -> v.pickOtherThan(IdeogramEnums.RENDERING_SPEEDS, "FLASH"));
        maybe(f, "magic_prompt_option", () -> v.pick(IdeogramEnums.MAGIC_PROMPT_OPTIONS));
        maybe(f, "enable_copyright_detection", v::flag);
        counts(f, v);
      }
    }
    return new Case(endpoint, json, f, files, random.nextBoolean());
  }

  private void legacyFrame(Map<String, Object> f, Values v) {
    switch (random.nextInt(3)) {
      case 0 -> f.put("aspect_ratio", v.pick(IdeogramEnums.ASPECT_RATIOS_LEGACY));
      case 1 -> f.put("resolution", v.pick(IdeogramEnums.RESOLUTIONS_LEGACY));
      default -> { }
    }
  }

  private void v3Frame(Map<String, Object> f, Values v) {
    switch (random.nextInt(3)) {
      case 0 -> f.put("aspect_ratio", v.pick(IdeogramEnums.ASPECT_RATIOS_V3));
      case 1 -> f.put("resolution", v.pick(IdeogramEnums.RESOLUTIONS_V3));
      default -> { }
    }
  }

  /** What every V3 route shares; style_codes only without style_type and style references (§3.7). */
  private void v3Shared(Map<String, Object> f, Values v, List<String[]> files, boolean styled) {
    maybe(f, "rendering_speed", () -> v.pick(IdeogramEnums.RENDERING_SPEEDS));
    maybe(f, "style_preset", () -> v.pick(IdeogramEnums.STYLE_PRESETS_V3));
    maybe(f, "color_palette", v::palette);
    maybe(f, "enable_copyright_detection", v::flag);
    switch (random.nextInt(3)) {
      case 0 -> f.put("style_codes", v.styleCodes());
      case 1 -> {
        if (styled) {
          f.put("style_type", v.pick(IdeogramEnums.STYLE_TYPES_V3));
        }
        files.add(file("style_reference_images"));
      }
      default -> { }
    }
    counts(f, v);
  }

  private void counts(Map<String, Object> f, Values v) {
    maybe(f, "num_images", () -> v.integer(1, 8));
    maybe(f, "seed", () -> random.nextBoolean() ? v.integer(0, RequestSchema.MAX_SEED) : v.integer(0, 0));
  }

  private void maybe(Map<String, Object> f, String name, Supplier<Object> value) {
    if (random.nextBoolean()) {
      f.put(name, value.get());
    }
  }

  private String[] file(String field) {
    return new String[] {field, List.of("png", "jpg", "webp").get(random.nextInt(3))};
  }

  private static int promptLength(Case c) {
    for (String name : List.of("prompt", "text_prompt")) {
      if (c.fields().get(name) instanceof String prompt) {
        return prompt.codePointCount(0, prompt.length());
      }
    }
    return 0;
  }

  private static String summary(Map<String, Object> fields) {
    Map<String, String> shown = new LinkedHashMap<>();
    fields.forEach((name, value) -> {
      String text = String.valueOf(value);
      shown.put(name, text.length() > 40 ? text.substring(0, 40) + "… (" + text.length() + " chars)" : text);
    });
    return shown.toString();
  }

  /** Values in the form each encoding carries them: JSON values, or text for multipart parts. */
  private final class Values {
    private final boolean json;
    private final boolean maxLength;

    Values(boolean json, boolean maxLength) {
      this.json = json;
      this.maxLength = maxLength;
    }

    String prompt() {
      return text(maxLength ? TeamPolicy.MAX_PROMPT_CHARS : 1 + random.nextInt(TeamPolicy.MAX_PROMPT_CHARS));
    }

    String text() {
      return text(1 + random.nextInt(random.nextBoolean() ? 40 : TeamPolicy.MAX_PROMPT_CHARS));
    }

    /** {@code codePoints} characters, never blank (the first is a letter). */
    private String text(int codePoints) {
      StringBuilder text = new StringBuilder().append('p');
      for (int i = 1; i < codePoints; i++) {
        text.appendCodePoint(PROMPT_CODE_POINTS[random.nextInt(PROMPT_CODE_POINTS.length)]);
      }
      return text.toString();
    }

    String pick(Set<String> values) {
      return new ArrayList<>(values).get(random.nextInt(values.size()));
    }

    String pickOtherThan(Set<String> values, String excluded) {
      String value = pick(values);
      return value.equals(excluded) ? "DEFAULT" : value;
    }

    /** An integer as JSON sends it (sometimes 3.0) or as multipart text. */
    Object integer(long min, long max) {
      long value = min + (long) (random.nextDouble() * (max - min + 1));
      value = Math.min(value, max);
      if (!json) {
        return Long.toString(value);
      }
      return random.nextInt(4) == 0 ? (Object) (double) value : (Object) value;
    }

    Object flag() {
      boolean value = random.nextBoolean();
      return json ? (Object) value : (value ? "true" : "FALSE");
    }

    Object palette() {
      Map<String, Object> palette = new LinkedHashMap<>();
      if (random.nextBoolean()) {
        palette.put("name", pick(IdeogramEnums.COLOR_PALETTE_NAMES));
      } else {
        List<Object> members = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
          Map<String, Object> member = new LinkedHashMap<>();
          member.put("color_hex", random.nextBoolean() ? "#A1b2C3" : "#f0a");
          if (random.nextBoolean()) {
            member.put("color_weight", 0.05 + random.nextInt(96) / 100.0);
          }
          members.add(member);
        }
        palette.put("members", members);
      }
      return json ? palette : writeJson(palette);
    }

    /** A JSON array, or for multipart repeated parts or one JSON-encoded part. */
    Object styleCodes() {
      List<String> codes = new ArrayList<>();
      for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
        codes.add(String.format("%08X", random.nextInt() & 0x7FFFFFFF));
      }
      return json || random.nextBoolean() ? (json ? codes : writeJson(codes)) : codes;
    }

    Object jsonPrompt() {
      Map<String, Object> prompt = Map.of("scene", text(), "style", Map.of("mood", "calm"));
      return json ? prompt : writeJson(prompt);
    }

    private String writeJson(Object value) {
      try {
        return PLAIN_JSON.writeValueAsString(value);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
