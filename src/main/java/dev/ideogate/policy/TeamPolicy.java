package dev.ideogate.policy;

import dev.ideogate.api.ErrorCode;
import dev.ideogate.api.GatewayException;
import dev.ideogate.config.TeamConfig;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.ImageRequest;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a team may ask for (ARCHITECTURE.md §2, §4): the prompt length, the model, the style and the rendering speed.
 * The first rule a request breaks is thrown as a {@link GatewayException}; messages name the value and what
 * the team may use instead.
 *
 * <ul>
 *   <li>Prompt: at most {@value #MAX_PROMPT_CHARS} characters (Unicode code points), else 400
 *       {@code invalid_request}: a gateway-wide sanity bound, far above what Ideogram uses of a prompt.
 *   <li>Model: the effective model ({@link ImageRequest#model()}, else the endpoint's fixed V_3 / V_4, else the
 *       legacy default V_2) must be in {@code allowedModels}, else 403 {@code model_not_allowed}. Upscale and
 *       describe are not model-gated: they take no model and are governed by their scopes
 *       ({@code images:upscale}, {@code images:describe}) instead.
 *   <li>Style: absent or AUTO is always allowed; else it must be in {@code allowedStyles}, else 403
 *       {@code style_not_allowed}.
 *   <li>Rendering speed (V3, V3 transparent, V4 only): absent means DEFAULT (Ideogram's default, so a team
 *       limited to TURBO cannot get DEFAULT by leaving the field out); BALANCED and DEFAULT are one tier.
 *       An empty {@code allowedSpeeds} allows every speed; otherwise a speed outside it is 403
 *       {@code model_not_allowed} (the speed is part of the model choice and of its price).
 * </ul>
 * An empty {@code allowedModels} or {@code allowedStyles} allows nothing beyond the always-allowed values:
 * a missing list must never silently lift a limit.
 */
public final class TeamPolicy {
  public static final int MAX_PROMPT_CHARS = 10_000;
  static final String LEGACY_DEFAULT_MODEL = "V_2";

  private TeamPolicy() {}

  public static void check(TeamConfig team, ImageRequest request) {
    checkPrompt(request.prompt());
    Endpoint endpoint = request.endpoint();
    if (endpoint.perInput()) {
      return;
    }
    checkModel(team, effectiveModel(request));
    checkStyle(team, request.styleType());
    if (hasRenderingSpeed(endpoint)) {
      checkSpeed(team, request.renderingSpeed() == null ? "DEFAULT" : request.renderingSpeed());
    }
  }

  /** The model an allow-list sees for {@code request}. */
  public static String effectiveModel(ImageRequest request) {
    if (request.model() != null) {
      return request.model();
    }
    String fixed = request.endpoint().fixedModel();
    return fixed != null ? fixed : LEGACY_DEFAULT_MODEL;
  }

  /**
   * The prompt length bound alone: checked before the prompt is kept for the audit line or scanned (ARCHITECTURE.md
   * §11, "limits before work"), so an oversized prompt costs one count, never a PII scan or a mask.
   */
  public static void checkPrompt(String prompt) {
    if (prompt == null) {
      return;
    }
    int chars = prompt.codePointCount(0, prompt.length());
    if (chars > MAX_PROMPT_CHARS) {
      throw new GatewayException(ErrorCode.INVALID_REQUEST,
          "prompt is " + chars + " characters long; at most " + MAX_PROMPT_CHARS + " are allowed");
    }
  }

  private static void checkModel(TeamConfig team, String model) {
    if (!orEmpty(team.allowedModels()).contains(model)) {
      throw new GatewayException(ErrorCode.MODEL_NOT_ALLOWED,
          "model " + model + " is not allowed for team " + team.id() + "; allowed: " + list(team.allowedModels()));
    }
  }

  private static void checkStyle(TeamConfig team, String style) {
    if (style == null || style.equals("AUTO") || orEmpty(team.allowedStyles()).contains(style)) {
      return;
    }
    Set<String> allowed = new TreeSet<>(orEmpty(team.allowedStyles()));
    allowed.add("AUTO");
    throw new GatewayException(ErrorCode.STYLE_NOT_ALLOWED,
        "style_type " + style + " is not allowed for team " + team.id() + "; allowed: " + list(allowed));
  }

  private static void checkSpeed(TeamConfig team, String speed) {
    Set<String> allowed = orEmpty(team.allowedSpeeds());
    if (allowed.isEmpty() || allowed.contains(speed) || allowed.contains(aliasOf(speed))) {
      return;
    }
    throw new GatewayException(ErrorCode.MODEL_NOT_ALLOWED,
        "rendering_speed " + speed + " is not allowed for team " + team.id() + "; allowed rendering speeds: "
            + list(allowed));
  }

  private static boolean hasRenderingSpeed(Endpoint endpoint) {
    return switch (endpoint.family()) {
      case V3, V3_TRANSPARENT, V4 -> true;
      case LEGACY, UPSCALE, DESCRIBE -> false;
    };
  }

  /** BALANCED is the API's legacy name of DEFAULT (ideogram-api.md §3.7). */
  private static String aliasOf(String speed) {
    return switch (speed) {
      case "BALANCED" -> "DEFAULT";
      case "DEFAULT" -> "BALANCED";
      default -> speed;
    };
  }

  private static Set<String> orEmpty(Set<String> values) {
    return values == null ? Set.of() : values;
  }

  private static String list(Set<String> values) {
    Set<String> sorted = new TreeSet<>(orEmpty(values));
    return sorted.isEmpty() ? "(none)" : String.join(", ", sorted);
  }
}
