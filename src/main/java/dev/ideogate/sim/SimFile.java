package dev.ideogate.sim;

import java.util.Arrays;

/**
 * One uploaded file as the simulator sees it: its part name, the client's names for it, its size and its first
 * bytes, which decide its format (ideogram-api.md §1: JPEG, PNG or WebP; a declared Content-Type proves nothing).
 */
record SimFile(String field, String filename, String declaredContentType, long sizeBytes, byte[] head) {
  static final int HEAD_BYTES = 12;

  SimFile {
    filename = filename == null ? "" : filename;
    head = head == null ? new byte[0] : Arrays.copyOf(head, Math.min(head.length, HEAD_BYTES));
  }

  /** JPEG (FF D8 FF), PNG (89 'PNG' 0D 0A 1A 0A) or WebP ('RIFF' size 'WEBP'), else false. */
  boolean isImage() {
    return begins(0, 0xFF, 0xD8, 0xFF)
        || begins(0, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)
        || begins(0, 0x52, 0x49, 0x46, 0x46) && begins(8, 0x57, 0x45, 0x42, 0x50);
  }

  private boolean begins(int at, int... bytes) {
    if (head.length < at + bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if ((head[at + i] & 0xFF) != bytes[i]) {
        return false;
      }
    }
    return true;
  }
}
