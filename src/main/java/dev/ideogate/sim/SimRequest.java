package dev.ideogate.sim;

import dev.ideogate.upstream.Endpoint;

/**
 * What the simulator keeps of a request its contract accepted: enough to price it, delay it and answer it.
 *
 * @param model the legacy {@code model} (default V_2), or V_3 / V_4 on the versioned routes
 * @param styleType style_type as sent, or null
 * @param renderingSpeed rendering_speed as sent, or null (DEFAULT)
 * @param numImages 1..8
 * @param prompt the prompt as sent (V4 json_prompt as its JSON text), empty when the route has none
 * @param characterReference a V3 call with a character reference image (its own price)
 * @param upscaleFactor X1 | X2 | X4 on generate-transparent, else null
 * @param resolution resolution as sent (RESOLUTION_W_H or WxH), or null
 * @param aspectRatio aspect_ratio as sent (ASPECT_W_H or WxH), or null
 * @param seed seed as sent, or null for a random one
 */
record SimRequest(
    Endpoint endpoint,
    String model,
    String styleType,
    String renderingSpeed,
    int numImages,
    String prompt,
    boolean characterReference,
    String upscaleFactor,
    String resolution,
    String aspectRatio,
    Long seed) {

  /** A request of {@code endpoint} with every optional field left out. */
  static SimRequest plain(Endpoint endpoint, String model, String renderingSpeed) {
    return new SimRequest(endpoint, model, null, renderingSpeed, 1, "", false, null, null, null, null);
  }

  SimRequest withImages(int count, boolean characterReference, String upscaleFactor) {
    return new SimRequest(endpoint, model, styleType, renderingSpeed, count, prompt, characterReference,
        upscaleFactor, resolution, aspectRatio, seed);
  }
}
