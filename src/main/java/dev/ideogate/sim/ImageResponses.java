package dev.ideogate.sim;

import dev.ideogate.upstream.Endpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Success bodies shaped like Ideogram's (ideogram-api.md §4): {@code {created, data[]}} with one item per image,
 * {@code descriptions[]} for /describe.
 */
final class ImageResponses {
  /** Ideogram writes offsets as +00:00 (§4.1), not Z. */
  private static final DateTimeFormatter CREATED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
  /** The output size of each aspect ratio, from ResolutionV3. */
  private static final Map<String, String> SIZE_BY_ASPECT = Map.ofEntries(
      Map.entry("1x1", "1024x1024"), Map.entry("16x9", "1312x736"), Map.entry("9x16", "736x1312"),
      Map.entry("4x3", "1152x864"), Map.entry("3x4", "864x1152"), Map.entry("3x2", "1248x832"),
      Map.entry("2x3", "832x1248"), Map.entry("16x10", "1280x800"), Map.entry("10x16", "800x1280"),
      Map.entry("3x1", "1536x512"), Map.entry("1x3", "512x1536"), Map.entry("2x1", "1408x704"),
      Map.entry("1x2", "704x1408"), Map.entry("5x4", "1120x896"), Map.entry("4x5", "896x1120"));
  private static final String DEFAULT_SIZE = "1024x1024";

  private ImageResponses() {}

  static JsonObject describe() {
    return new JsonObject().put("descriptions", new JsonArray()
        .add(new JsonObject().put("text", "A simulated image: a small square of flat colour on a plain background.")));
  }

  /**
   * @param baseUrl scheme and authority the client reached the simulator at
   * @param unsafeRate share of images returned unsafe, with a null url
   */
  static JsonObject images(SimRequest request, String baseUrl, SignedImageUrls urls, double unsafeRate,
      long nowMs) {
    Endpoint endpoint = request.endpoint();
    String resolution = resolution(request);
    String upscaled = upscaledResolution(request, resolution);
    JsonArray data = new JsonArray();
    for (int i = 0; i < request.numImages(); i++) {
      boolean safe = !(ThreadLocalRandom.current().nextDouble() < unsafeRate);
      JsonObject item = new JsonObject()
          .put("url", safe ? baseUrl + urls.pathFor(UUID.randomUUID().toString(), nowMs) : null)
          .put("prompt", request.prompt())
          .put("resolution", resolution)
          .put("is_image_safe", safe)
          .put("seed", request.seed() != null ? request.seed()
              : ThreadLocalRandom.current().nextLong(IdeogramContract.MAX_SEED + 1));
      if (upscaled != null) {
        item.put("upscaled_resolution", upscaled);
      }
      if (request.styleType() != null && endpoint.family() != Endpoint.Family.V4) {
        item.put("style_type", request.styleType());
      }
      data.add(item);
    }
    JsonObject body = new JsonObject().put("created", CREATED.format(Instant.ofEpochMilli(nowMs))).put("data", data);
    if (endpoint.family() == Endpoint.Family.V4) {
      body.put("response_type", "url");
    }
    return body;
  }

  /** RESOLUTION_W_H or WxH as sent, else the size of the aspect ratio (ASPECT_W_H or WxH), else 1024x1024. */
  static String resolution(SimRequest request) {
    String resolution = request.resolution();
    String aspect = request.aspectRatio();
    if (resolution != null) {
      return resolution.startsWith("RESOLUTION_") ? resolution.substring(11).replace('_', 'x') : resolution;
    }
    if (aspect != null) {
      String ratio = aspect.startsWith("ASPECT_") ? aspect.substring(7).replace('_', 'x') : aspect;
      return SIZE_BY_ASPECT.getOrDefault(ratio, DEFAULT_SIZE);
    }
    return DEFAULT_SIZE;
  }

  /** Upscale doubles the size; generate-transparent multiplies it by its factor (X1 keeps it, no field). */
  private static String upscaledResolution(SimRequest request, String resolution) {
    int factor = request.endpoint() == Endpoint.UPSCALE ? 2
        : request.upscaleFactor() == null ? 1 : Integer.parseInt(request.upscaleFactor().substring(1));
    if (factor == 1) {
      return null;
    }
    String[] sides = resolution.split("x");
    return Integer.parseInt(sides[0]) * factor + "x" + Integer.parseInt(sides[1]) * factor;
  }
}
