package dev.ideogate.upstream;

import java.util.Arrays;

/**
 * One uploaded file of a multipart request, as far as validation needs it: its form field, names, total size and
 * its first bytes (the magic number decides the type, never the declared content type).
 *
 * @param field the multipart field name (image_file, mask, image, style_reference_images, …)
 * @param filename the client's file name, possibly empty
 * @param declaredContentType the part's Content-Type as sent, possibly null
 * @param sizeBytes the whole file's size
 * @param head the first ≤ 16 bytes of the file
 */
public record FilePart(String field, String filename, String declaredContentType, long sizeBytes, byte[] head) {
  public static final int HEAD_BYTES = 16;

  public FilePart {
    if (field == null || field.isEmpty()) {
      throw new IllegalArgumentException("a file part needs a field name");
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must be ≥ 0, got " + sizeBytes);
    }
    filename = filename == null ? "" : filename;
    head = head == null ? new byte[0] : Arrays.copyOf(head, Math.min(head.length, HEAD_BYTES));
  }
}
