package dev.ideogate.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The file rules of Ideogram's v1 endpoints (ideogram-api.md §1): JPEG, PNG or WebP judged by the file's magic
 * bytes (a declared Content-Type proves nothing), at most 10 MB per file and per reference group, at most one
 * character reference, and the files each endpoint requires.
 */
final class ImageFiles {
  static final long MAX_FILE_BYTES = 10L * 1024 * 1024;
  static final String STYLE_REFERENCES = "style_reference_images";
  static final String CHARACTER_REFERENCES = "character_reference_images";
  static final String CHARACTER_REFERENCE_MASKS = "character_reference_images_mask";

  private static final List<String> SINGLE_FILE_FIELDS = List.of("image_file", "image", "mask");

  private final List<FilePart> files;
  private final Map<String, Object> textFields;

  ImageFiles(List<FilePart> files, Map<String, Object> textFields) {
    this.files = files == null ? List.of() : files;
    this.textFields = textFields == null ? Map.of() : textFields;
  }

  /** Checks every file's type and size, single-file fields, reference groups, and the required fields. */
  void check(String... requiredFields) throws InvalidRequestException {
    for (FilePart file : files) {
      checkTypeAndSize(file);
    }
    for (String field : SINGLE_FILE_FIELDS) {
      if (named(field).size() > 1) {
        throw new InvalidRequestException(field + " must be a single file, got " + named(field).size());
      }
    }
    checkGroupSize(STYLE_REFERENCES);
    checkGroupSize(CHARACTER_REFERENCES);
    int characterReferences = named(CHARACTER_REFERENCES).size();
    if (characterReferences > 1) {
      throw new InvalidRequestException(
          CHARACTER_REFERENCES + " accepts at most 1 image for now, got " + characterReferences);
    }
    int masks = named(CHARACTER_REFERENCE_MASKS).size();
    if (masks > 0 && masks != characterReferences) {
      throw new InvalidRequestException(CHARACTER_REFERENCE_MASKS + " must match " + CHARACTER_REFERENCES
          + " one to one: got " + masks + " mask(s) for " + characterReferences + " image(s)");
    }
    for (String field : requiredFields) {
      if (named(field).isEmpty()) {
        String sentAsText = textFields.containsKey(field) ? " (it was sent as a text field, not a file)" : "";
        throw new InvalidRequestException(
            field + " is required: attach a JPEG, PNG or WebP image as a multipart file part named " + field
                + sentAsText);
      }
    }
  }

  boolean has(String field) {
    return !named(field).isEmpty();
  }

  /** The format the magic bytes prove, or null: JPEG FF D8 FF, PNG \x89PNG\r\n\x1a\n, WebP RIFF????WEBP. */
  static String sniff(byte[] head) {
    if (startsWith(head, 0, 0xFF, 0xD8, 0xFF)) {
      return "JPEG";
    }
    if (startsWith(head, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "PNG";
    }
    if (startsWith(head, 0, 'R', 'I', 'F', 'F') && startsWith(head, 8, 'W', 'E', 'B', 'P')) {
      return "WebP";
    }
    return null;
  }

  private void checkTypeAndSize(FilePart file) throws InvalidRequestException {
    if (sniff(file.head()) == null) {
      throw new InvalidRequestException(file.field() + " must be a JPEG, PNG or WebP image; the content of '"
          + file.filename() + "' is none of these (declared " + file.declaredContentType() + ")");
    }
    if (file.sizeBytes() > MAX_FILE_BYTES) {
      throw new InvalidRequestException(file.field() + " must be at most 10 MB (" + MAX_FILE_BYTES
          + " bytes), got " + file.sizeBytes() + " bytes");
    }
  }

  private void checkGroupSize(String field) throws InvalidRequestException {
    long total = named(field).stream().mapToLong(FilePart::sizeBytes).sum();
    if (total > MAX_FILE_BYTES) {
      throw new InvalidRequestException(field + " must total at most 10 MB (" + MAX_FILE_BYTES
          + " bytes) per group, got " + total + " bytes");
    }
  }

  private List<FilePart> named(String field) {
    List<FilePart> matching = new ArrayList<>();
    for (FilePart file : files) {
      if (file.field().equals(field)) {
        matching.add(file);
      }
    }
    return matching;
  }

  private static boolean startsWith(byte[] head, int offset, int... expected) {
    if (head.length < offset + expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if ((head[offset + i] & 0xFF) != expected[i]) {
        return false;
      }
    }
    return true;
  }
}
