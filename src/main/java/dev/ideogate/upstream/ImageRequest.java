package dev.ideogate.upstream;

/**
 * What the gateway needs to know of a validated request to decide on it (policy, price): parsed once by the
 * ingress, read by policy and pricing. The body itself travels separately, untouched.
 *
 * @param model effective model for allow-lists: the legacy {@code model} field (default V_2), or V_3 / V_4
 * @param styleType style_type as sent, or null
 * @param renderingSpeed rendering_speed as sent (V3/V4), or null
 * @param numImages 1..8 (1 for upscale and describe)
 * @param prompt the prompt text (empty when the endpoint has none)
 * @param characterReference a V3 call carrying character_reference_images
 * @param upscaleFactor X1 | X2 | X4 for generate-transparent, else null
 */
public record ImageRequest(
    Endpoint endpoint,
    String model,
    String styleType,
    String renderingSpeed,
    int numImages,
    String prompt,
    boolean characterReference,
    String upscaleFactor) {

  public ImageRequest {
    if (numImages < 1 || numImages > 8) {
      throw new IllegalArgumentException("num_images must be between 1 and 8, got " + numImages);
    }
    prompt = prompt == null ? "" : prompt;
  }
}
