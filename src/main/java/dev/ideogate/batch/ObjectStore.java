package dev.ideogate.batch;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Optional;

/**
 * Where batch images are kept (ARCHITECTURE.md §13): a local directory ({@link DirectoryObjectStore}, the default)
 * or an S3-compatible bucket. Keys are {@code <team>/<batch>/<line>-<n>.<ext>}, made by {@link ImageKeeper}; a
 * key never holds anything the client chose.
 */
public interface ObjectStore {

  Future<Void> put(String key, Buffer bytes, String contentType);

  /** The object, or empty when there is none. */
  Future<Optional<Buffer>> get(String key);

  /** Drops every object under {@code prefix} (a finished batch past its retention). */
  Future<Void> deletePrefix(String prefix);

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
