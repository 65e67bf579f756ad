package dev.ideogate.ingress;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.ideogate.api.GatewayException;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.policy.PiiDetector;
import dev.ideogate.policy.TeamPolicy;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.FilePart;
import dev.ideogate.upstream.ImageRequest;
import dev.ideogate.upstream.InvalidRequestException;
import dev.ideogate.upstream.RequestSchema;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the fuzz tests drive: the request path up to the budget (parse, schema, team policy, content policy, PII,
 * price), as {@code ImageHandler.admit} runs it. An input may only end in an admitted request or in an expected
 * rejection whose status is one this stage can give; anything else (another exception, another status) is a
 * finding.
 */
public final class FuzzTargets {
  /** The statuses the steps before the budget may answer (ARCHITECTURE.md §6). */
  public static final Set<Integer> ADMISSION_STATUSES = Set.of(400, 403, 413, 415, 422);

  static final GatewayConfig CONFIG = ConfigLoader.parse("""
      teams:
        alpha:
          upstreamKey: "fuzz-upstream-key-0123"
          dailyBudgetUsd: "100"
          allowedModels: [V_2, V_2_TURBO, V_3]
          allowedStyles: [AUTO, GENERAL, REALISTIC]
          allowedSpeeds: [TURBO, DEFAULT]
          contentPolicy: strict
          pii: block
      """, name -> null);
  static final GatewaySettings SETTINGS = GatewaySettings.compile(CONFIG, Clock.systemUTC(), Set.of());

  private FuzzTargets() {}

  /** Raw body through the whole admission path. */
  public static void admitBody(Endpoint endpoint, String contentType, byte[] body) {
    BodyParser.Parsed parsed;
    try {
      parsed = new BodyParser(8).parse(endpoint, contentType, body);
    } catch (GatewayException e) {
      expect(e);
      return;
    }
    admitFields(endpoint, parsed.fields(), parsed.files());
  }

  /** A field map (as a parser would give) through schema, policy and pricing. */
  public static void admitFields(Endpoint endpoint, Map<String, Object> fields, List<FilePart> files) {
    ImageRequest request;
    try {
      request = RequestSchema.check(endpoint, fields, files);
    } catch (InvalidRequestException e) {
      return;
    }
    try {
      TeamPolicy.check(CONFIG.team("alpha"), request);
      SETTINGS.contentPolicy("strict").check(request.prompt());
      if (request.prompt() != null) {
        PiiDetector.firstCategory(request.prompt());
        String masked = PiiDetector.mask(request.prompt());
        if (PiiDetector.firstCategory(masked).isPresent()) {
          throw new AssertionError("masking left personal data in the text");
        }
      }
      SETTINGS.pricing().quote(request);
    } catch (GatewayException e) {
      expect(e);
    }
  }

  private static final String[] FIELDS = {"prompt", "model", "style_type", "rendering_speed", "num_images",
      "aspect_ratio", "resolution", "seed", "negative_prompt", "magic_prompt_option", "magic_prompt", "color_palette",
      "style_codes", "character_reference_images", "image_weight", "upscale_factor", "resemblance", "detail"};
  private static final String[] VALUES = {"V_2", "V_3", "V_2_TURBO", "V_1", "AUTO", "GENERAL", "REALISTIC", "ANIME",
      "TURBO", "DEFAULT", "QUALITY", "FLASH", "ASPECT_1_1", "1x1", "16x9", "ON", "OFF", "kill", "gore", "x@y.io",
      "+1 415 555 0100", "4111111111111111", "", " "};

  /** Plausible and implausible field maps, so the fuzzer spends its time past the parser. */
  public static void admitStructured(FuzzedDataProvider data) {
    Endpoint endpoint = data.pickValue(Endpoint.values());
    Map<String, Object> fields = new LinkedHashMap<>();
    int count = data.consumeInt(0, 8);
    for (int i = 0; i < count; i++) {
      String name = data.consumeBoolean() ? data.pickValue(FIELDS) : data.consumeString(20);
      Object value = switch (data.consumeInt(0, 5)) {
        case 0 -> data.pickValue(VALUES);
        case 1 -> data.consumeInt();
        case 2 -> data.consumeString(300);
        case 3 -> List.of(data.consumeString(20), data.consumeString(20));
        case 4 -> data.consumeBoolean();
        default -> data.consumeDouble();
      };
      fields.put(name, value);
    }
    List<FilePart> files = new ArrayList<>();
    if (data.consumeBoolean()) {
      byte[] head = data.consumeBytes(16);
      files.add(new FilePart(data.pickValue(new String[] {"image", "image_file", "mask", "x"}),
          data.consumeString(20), data.consumeString(20), data.consumeLong(0, 50_000_000L), head));
    }
    admitFields(endpoint, fields, files);
  }

  private static void expect(GatewayException e) {
    if (!ADMISSION_STATUSES.contains(e.error().status())) {
      throw new AssertionError("status " + e.error().status() + " (" + e.error().code() + ") before the budget step");
    }
  }
}
