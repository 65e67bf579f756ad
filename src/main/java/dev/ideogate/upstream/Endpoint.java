package dev.ideogate.upstream;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Ideogram routes the gateway serves (ARCHITECTURE.md §5, ideogram-api.md §2), each with its body encoding, the
 * client scope it needs, the price family it bills under, and the model it counts as for allow-lists
 * (null = the legacy {@code model} field of the body decides).
 */
public enum Endpoint {
  GENERATE("/generate", Body.JSON, Scope.GENERATE, Family.LEGACY, null, "images.generate"),
  EDIT("/edit", Body.MULTIPART, Scope.GENERATE, Family.LEGACY, null, "images.edit"),
  REMIX("/remix", Body.MULTIPART, Scope.GENERATE, Family.LEGACY, null, "images.remix"),
  UPSCALE("/upscale", Body.MULTIPART, Scope.UPSCALE, Family.UPSCALE, null, "images.upscale"),
  DESCRIBE("/describe", Body.MULTIPART, Scope.DESCRIBE, Family.DESCRIBE, null, "images.describe"),
  REFRAME("/reframe", Body.MULTIPART, Scope.GENERATE, Family.LEGACY, null, "images.reframe"),
  V3_GENERATE("/v1/ideogram-v3/generate", Body.JSON_OR_MULTIPART, Scope.GENERATE, Family.V3, "V_3", "images.generate"),
  V3_EDIT("/v1/ideogram-v3/edit", Body.MULTIPART, Scope.GENERATE, Family.V3, "V_3", "images.edit"),
  V3_INPAINT("/v1/ideogram-v3/inpaint", Body.MULTIPART, Scope.GENERATE, Family.V3, "V_3", "images.inpaint"),
  V3_REMIX("/v1/ideogram-v3/remix", Body.MULTIPART, Scope.GENERATE, Family.V3, "V_3", "images.remix"),
  V3_REFRAME("/v1/ideogram-v3/reframe", Body.MULTIPART, Scope.GENERATE, Family.V3, "V_3", "images.reframe"),
  V3_REPLACE_BACKGROUND("/v1/ideogram-v3/replace-background", Body.MULTIPART, Scope.GENERATE, Family.V3, "V_3",
      "images.replace_background"),
  V3_GENERATE_TRANSPARENT("/v1/ideogram-v3/generate-transparent", Body.JSON_OR_MULTIPART, Scope.GENERATE,
      Family.V3_TRANSPARENT, "V_3", "images.generate_transparent"),
  V4_GENERATE("/v1/ideogram-v4/generate", Body.JSON_OR_MULTIPART, Scope.GENERATE, Family.V4, "V_4",
      "images.generate"),
  // Transparent V4 has no published price of its own (ideogram-api.md §2a, §6): priced as V4 by speed.
  V4_GENERATE_TRANSPARENT("/v1/ideogram-v4/generate-transparent", Body.JSON_OR_MULTIPART, Scope.GENERATE,
      Family.V4, "V_4", "images.generate_transparent"),
  // Async twins (ideogram-api.md §2a, §4.3): answer {generation_id}; the result arrives by webhook or polling.
  V4_ASYNC_GENERATE("/v1/ideogram-v4/async/generate", Body.JSON_OR_MULTIPART, Scope.GENERATE, Family.V4, "V_4",
      "images.generate_async"),
  V4_ASYNC_GENERATE_TRANSPARENT("/v1/ideogram-v4/async/generate-transparent", Body.JSON_OR_MULTIPART,
      Scope.GENERATE, Family.V4, "V_4", "images.generate_transparent_async");

  /** How the body is encoded on the wire. */
  public enum Body { JSON, MULTIPART, JSON_OR_MULTIPART }

  /** Price family (ideogram-api.md §6). */
  public enum Family { LEGACY, V3, V3_TRANSPARENT, V4, UPSCALE, DESCRIBE }

  /** Client key scopes (ARCHITECTURE.md §5). */
  public static final class Scope {
    public static final String GENERATE = "images:generate";
    public static final String UPSCALE = "images:upscale";
    public static final String DESCRIBE = "images:describe";
    public static final String USAGE_READ = "usage:read";
    public static final String ADMIN = "admin";

    private Scope() {}
  }

  private static final Map<String, Endpoint> BY_PATH =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(e -> e.path, Function.identity()));

  private final String path;
  private final Body body;
  private final String scope;
  private final Family family;
  private final String fixedModel;
  private final String action;

  Endpoint(String path, Body body, String scope, Family family, String fixedModel, String action) {
    this.path = path;
    this.body = body;
    this.scope = scope;
    this.family = family;
    this.fixedModel = fixedModel;
    this.action = action;
  }

  public static Optional<Endpoint> byPath(String path) {
    return Optional.ofNullable(BY_PATH.get(path));
  }

  public String path() {
    return path;
  }

  public Body body() {
    return body;
  }

  public String scope() {
    return scope;
  }

  public Family family() {
    return family;
  }

  /** V_3 / V_4 for the versioned paths, null when the body's legacy {@code model} field decides. */
  public String fixedModel() {
    return fixedModel;
  }

  /** Audit action name, e.g. {@code images.generate}. */
  public String action() {
    return action;
  }

  /** Short label for metrics: the path without its leading slash. */
  public String label() {
    return path.substring(1);
  }

  /** Answers {@code {generation_id}} at once; the images come later by webhook or by polling. */
  public boolean async() {
    return path.contains("/async/");
  }

  /** Billed per input (upscale, describe) rather than per output image. */
  public boolean perInput() {
    return family == Family.UPSCALE || family == Family.DESCRIBE;
  }
}
