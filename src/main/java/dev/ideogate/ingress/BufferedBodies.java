package dev.ideogate.ingress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replica's account of client request bodies held in memory (ARCHITECTURE.md §11, memory): a global cap on the
 * bytes ({@code server.maxBufferedBodyBytes}) and, per client key, a cap on concurrent uploads ({@code
 * server.maxConcurrentUploadsPerKey}). A body is counted from its first byte until its request ends, queued or in
 * flight included, because the dispatcher keeps it until then. One instance per gateway, shared by every ingress
 * event loop, hence the atomics. Plain Java: {@link BodyReader} drives it, one {@link Claim} per request.
 *
 * <p>An upload is a body larger than {@link #UPLOAD_BYTES}: more than any JSON request of Ideogram's needs, so small
 * requests (a team's many concurrent generates) never meet the per-key cap, and a key's small bodies together stay
 * bounded by the team's {@code maxQueued} times this size.
 */
public final class BufferedBodies {
  /** A body beyond this size counts as an upload (a maximal escaped 10,000-character prompt is under it). */
  public static final long UPLOAD_BYTES = 64 * 1024;

  private final long maxBytes;
  private final int maxUploadsPerKey;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger uploads = new AtomicInteger();
  private final Map<String, Integer> uploadsByKey = new ConcurrentHashMap<>();

  public BufferedBodies(long maxBytes, int maxUploadsPerKey) {
    this.maxBytes = maxBytes;
    this.maxUploadsPerKey = maxUploadsPerKey;
  }

  /** Bytes of request bodies held on this replica now (gauge {@code ideogate_buffered_body_bytes}). */
  public long bytes() {
    return bytes.get();
  }

  /** Uploads held on this replica now, all keys (gauge {@code ideogate_buffered_body_uploads}). */
  public int uploads() {
    return uploads.get();
  }

  public long maxBytes() {
    return maxBytes;
  }

  public int maxUploadsPerKey() {
    return maxUploadsPerKey;
  }

  /** A new, empty claim of one request made with client key {@code keyId} (null: no key, e.g. a callback). */
  public Claim claim(String keyId) {
    return new Claim(keyId);
  }

  /** Why a claim could not grow. */
  public enum Refusal { NONE, REPLICA_FULL, KEY_UPLOADS }

  /** What one request holds. Not thread-safe: one request's handlers run on one event loop. */
  public final class Claim {
    private final String keyId;
    private long held;
    private boolean upload;
    private boolean released;

    private Claim(String keyId) {
      this.keyId = keyId;
    }

    /**
     * Grows the claim to {@code total} bytes (no-op when it holds that much already): refused when the replica's
     * cap would be passed or, when this makes the body an upload, when the key already holds its uploads.
     */
    public Refusal growTo(long total) {
      if (released || total <= held) {
        return Refusal.NONE;
      }
      if (!upload && total > UPLOAD_BYTES && keyId != null) {
        boolean[] admitted = {false};
        uploadsByKey.compute(keyId, (k, n) -> {
          int current = n == null ? 0 : n;
          admitted[0] = current < maxUploadsPerKey;
          return admitted[0] ? current + 1 : n;
        });
        if (!admitted[0]) {
          return Refusal.KEY_UPLOADS;
        }
        upload = true;
        uploads.incrementAndGet();
      }
      long more = total - held;
      long now = bytes.addAndGet(more);
      if (now > maxBytes) {
        bytes.addAndGet(-more);
        return Refusal.REPLICA_FULL;
      }
      held = total;
      return Refusal.NONE;
    }

    /** Gives everything back; idempotent (the request's end and a failure may both call it). */
    public void release() {
      if (released) {
        return;
      }
      released = true;
      bytes.addAndGet(-held);
      held = 0;
      if (upload) {
        uploads.decrementAndGet();
        uploadsByKey.computeIfPresent(keyId, (k, n) -> n > 1 ? n - 1 : null);
      }
    }
  }
}
