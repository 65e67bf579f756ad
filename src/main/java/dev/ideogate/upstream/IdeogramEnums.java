package dev.ideogate.upstream;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Ideogram's enumerations (ideogram-api.md §7, from the official spec of 2026-04-27), kept in spec order so error
 * messages list them as the documentation does. Where sources conflict (§10) the union is accepted: the gateway
 * must never reject what Ideogram takes.
 */
public final class IdeogramEnums {
  private IdeogramEnums() {}

  /** Legacy ModelEnum, default V_2. */
  public static final Set<String> MODELS_LEGACY =
      orderedSet("V_1", "V_1_TURBO", "V_2", "V_2_TURBO", "V_2A", "V_2A_TURBO", "V_3", "AUTO");

  /** The models legacy /edit supports (ModelEnum description). */
  public static final Set<String> MODELS_LEGACY_EDIT = orderedSet("V_2", "V_2_TURBO");

  /** Legacy StyleType. */
  public static final Set<String> STYLE_TYPES_LEGACY =
      orderedSet("AUTO", "GENERAL", "FICTION", "REALISTIC", "DESIGN", "RENDER_3D", "ANIME", "CUSTOM", "STYLIZED");

  /** StyleTypeV3: no RENDER_3D or ANIME. */
  public static final Set<String> STYLE_TYPES_V3 =
      orderedSet("AUTO", "GENERAL", "REALISTIC", "DESIGN", "CUSTOM", "FICTION", "STYLIZED");

  /** RenderingSpeed; BALANCED is the launch-time name of DEFAULT. */
  public static final Set<String> RENDERING_SPEEDS = orderedSet("FLASH", "TURBO", "BALANCED", "DEFAULT", "QUALITY");

  /** MagicPromptOption (legacy {@code magic_prompt_option}, V3 {@code magic_prompt}). */
  public static final Set<String> MAGIC_PROMPT_OPTIONS = orderedSet("AUTO", "ON", "OFF");

  /** MagicPromptVersionEnum. */
  public static final Set<String> MAGIC_PROMPT_VERSIONS =
      orderedSet("V_0", "V_0_1", "V_0_2", "V_0_3", "V_0_4", "V_0_5", "V_0_6", "V_0_7", "V_0_8");

  /** DescribeModelVersion: V_2, V_3, CUSTOM (S1) and V_4 (S4). */
  public static final Set<String> DESCRIBE_MODEL_VERSIONS = orderedSet("V_2", "V_3", "V_4", "CUSTOM");

  /** UpscaleFactor of generate-transparent, default X1. */
  public static final Set<String> UPSCALE_FACTORS = orderedSet("X1", "X2", "X4");

  /** ColorPalettePresetName. */
  public static final Set<String> COLOR_PALETTE_NAMES =
      orderedSet("EMBER", "FRESH", "JUNGLE", "MAGIC", "MELON", "MOSAIC", "PASTEL", "ULTRAMARINE");

  /** Legacy AspectRatio (§7, 11 values). */
  public static final Set<String> ASPECT_RATIOS_LEGACY =
      orderedSet(
          "ASPECT_10_16", "ASPECT_16_10", "ASPECT_9_16", "ASPECT_16_9", "ASPECT_3_2", "ASPECT_2_3", "ASPECT_4_3",
          "ASPECT_3_4", "ASPECT_1_1", "ASPECT_1_3", "ASPECT_3_1");

  /** AspectRatioV3 (§7, 15 values). */
  public static final Set<String> ASPECT_RATIOS_V3 =
      orderedSet(
          "1x3", "3x1", "1x2", "2x1", "9x16", "16x9", "10x16", "16x10", "2x3", "3x2", "3x4", "4x3", "4x5", "5x4",
          "1x1");

  /** Legacy Resolution (§7, 78 values; "for model 2.0 only"). */
  public static final Set<String> RESOLUTIONS_LEGACY =
      orderedSet(
          "RESOLUTION_512_1536", "RESOLUTION_576_1408", "RESOLUTION_576_1472", "RESOLUTION_576_1536",
          "RESOLUTION_640_1024", "RESOLUTION_640_1344", "RESOLUTION_640_1408", "RESOLUTION_640_1472",
          "RESOLUTION_640_1536", "RESOLUTION_704_1152", "RESOLUTION_704_1216", "RESOLUTION_704_1280",
          "RESOLUTION_704_1344", "RESOLUTION_704_1408", "RESOLUTION_704_1472", "RESOLUTION_720_1280",
          "RESOLUTION_736_1312", "RESOLUTION_768_1024", "RESOLUTION_768_1088", "RESOLUTION_768_1152",
          "RESOLUTION_768_1216", "RESOLUTION_768_1232", "RESOLUTION_768_1280", "RESOLUTION_768_1344",
          "RESOLUTION_832_960", "RESOLUTION_832_1024", "RESOLUTION_832_1088", "RESOLUTION_832_1152",
          "RESOLUTION_832_1216", "RESOLUTION_832_1248", "RESOLUTION_864_1152", "RESOLUTION_896_960",
          "RESOLUTION_896_1024", "RESOLUTION_896_1088", "RESOLUTION_896_1120", "RESOLUTION_896_1152",
          "RESOLUTION_960_832", "RESOLUTION_960_896", "RESOLUTION_960_1024", "RESOLUTION_960_1088",
          "RESOLUTION_1024_640", "RESOLUTION_1024_768", "RESOLUTION_1024_832", "RESOLUTION_1024_896",
          "RESOLUTION_1024_960", "RESOLUTION_1024_1024", "RESOLUTION_1088_768", "RESOLUTION_1088_832",
          "RESOLUTION_1088_896", "RESOLUTION_1088_960", "RESOLUTION_1120_896", "RESOLUTION_1152_704",
          "RESOLUTION_1152_768", "RESOLUTION_1152_832", "RESOLUTION_1152_864", "RESOLUTION_1152_896",
          "RESOLUTION_1216_704", "RESOLUTION_1216_768", "RESOLUTION_1216_832", "RESOLUTION_1232_768",
          "RESOLUTION_1248_832", "RESOLUTION_1280_704", "RESOLUTION_1280_720", "RESOLUTION_1280_768",
          "RESOLUTION_1280_800", "RESOLUTION_1312_736", "RESOLUTION_1344_640", "RESOLUTION_1344_704",
          "RESOLUTION_1344_768", "RESOLUTION_1408_576", "RESOLUTION_1408_640", "RESOLUTION_1408_704",
          "RESOLUTION_1472_576", "RESOLUTION_1472_640", "RESOLUTION_1472_704", "RESOLUTION_1536_512",
          "RESOLUTION_1536_576", "RESOLUTION_1536_640");

  /** ResolutionV3 (§7, 69 values). */
  public static final Set<String> RESOLUTIONS_V3 =
      orderedSet(
          "512x1536", "576x1408", "576x1472", "576x1536", "640x1344", "640x1408", "640x1472", "640x1536", "704x1152",
          "704x1216", "704x1280", "704x1344", "704x1408", "704x1472", "736x1312", "768x1088", "768x1216", "768x1280",
          "768x1344", "800x1280", "832x960", "832x1024", "832x1088", "832x1152", "832x1216", "832x1248", "864x1152",
          "896x960", "896x1024", "896x1088", "896x1120", "896x1152", "960x832", "960x896", "960x1024", "960x1088",
          "1024x832", "1024x896", "1024x960", "1024x1024", "1088x768", "1088x832", "1088x896", "1088x960", "1120x896",
          "1152x704", "1152x832", "1152x864", "1152x896", "1216x704", "1216x768", "1216x832", "1248x832", "1280x704",
          "1280x768", "1280x800", "1312x736", "1344x640", "1344x704", "1344x768", "1408x576", "1408x640", "1408x704",
          "1472x576", "1472x640", "1472x704", "1536x512", "1536x576", "1536x640");

  /** V4 2K resolutions of the S2/S4 contract (§3.8); V4 also accepts ResolutionV4 (512x512 + V3). */
  public static final Set<String> RESOLUTIONS_V4_2K =
      orderedSet(
          "2048x2048", "1440x2880", "2880x1440", "1664x2496", "2496x1664", "1792x2240", "2240x1792", "1440x2560",
          "2560x1440", "1600x2560", "2560x1600", "1728x2304", "2304x1728", "1296x3168", "3168x1296", "1152x2944",
          "2944x1152", "1248x3328", "3328x1248", "1280x3072", "3072x1280", "1024x3072", "3072x1024");

  /** StylePresetV3 (§7, 62 values). */
  public static final Set<String> STYLE_PRESETS_V3 =
      orderedSet(
          "80S_ILLUSTRATION", "90S_NOSTALGIA", "ABSTRACT_ORGANIC", "ANALOG_NOSTALGIA", "ART_BRUT", "ART_DECO",
          "ART_POSTER", "AURA", "AVANT_GARDE", "BAUHAUS", "BLUEPRINT", "BLURRY_MOTION", "BRIGHT_ART", "C4D_CARTOON",
          "CHILDRENS_BOOK", "COLLAGE", "COLORING_BOOK_I", "COLORING_BOOK_II", "CUBISM", "DARK_AURA", "DOODLE",
          "DOUBLE_EXPOSURE", "DRAMATIC_CINEMA", "EDITORIAL", "EMOTIONAL_MINIMAL", "ETHEREAL_PARTY", "EXPIRED_FILM",
          "FLAT_ART", "FLAT_VECTOR", "FOREST_REVERIE", "GEO_MINIMALIST", "GLASS_PRISM", "GOLDEN_HOUR", "GRAFFITI_I",
          "GRAFFITI_II", "HALFTONE_PRINT", "HIGH_CONTRAST", "HIPPIE_ERA", "ICONIC", "JAPANDI_FUSION", "JAZZY",
          "LONG_EXPOSURE", "MAGAZINE_EDITORIAL", "MINIMAL_ILLUSTRATION", "MIXED_MEDIA", "MONOCHROME", "NIGHTLIFE",
          "OIL_PAINTING", "OLD_CARTOONS", "PAINT_GESTURE", "POP_ART", "RETRO_ETCHING", "RIVIERA_POP", "SPOTLIGHT_80S",
          "STYLIZED_RED", "SURREAL_COLLAGE", "TRAVEL_POSTER", "VINTAGE_GEO", "VINTAGE_POSTER", "WATERCOLOR", "WEIRD",
          "WOODBLOCK_PRINT");

  /** Every resolution V4 accepts: the 2K list (S2/S4) and ResolutionV4 = 512x512 + ResolutionV3 (S1). */
  public static final Set<String> RESOLUTIONS_V4 = union(RESOLUTIONS_V4_2K, orderedSet("512x512"), RESOLUTIONS_V3);

  private static Set<String> orderedSet(String... values) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(values)));
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    for (Set<String> set : sets) {
      all.addAll(set);
    }
    return Collections.unmodifiableSet(all);
  }
}
