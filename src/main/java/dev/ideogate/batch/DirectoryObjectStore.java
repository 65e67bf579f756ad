package dev.ideogate.batch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The default object store: one file per key under a directory, written through Vert.x's file system (off the
 * event loop). A key is written to a temporary name and moved into place, so a reader never sees half an image.
 */
public final class DirectoryObjectStore implements ObjectStore {
  private final FileSystem fs;
  private final Path root;

  public DirectoryObjectStore(Vertx vertx, Path root) {
    this.fs = vertx.fileSystem();
    this.root = root.toAbsolutePath().normalize();
  }

  private String pathOf(String key) {
    Path path = root.resolve(key).normalize();
    if (!path.startsWith(root) || key.contains("..")) {
      throw new IllegalArgumentException("object key outside the store: " + key);
    }
    return path.toString();
  }

  @Override
  public Future<Void> put(String key, Buffer bytes, String contentType) {
    String path = pathOf(key);
    String partial = path + ".partial";
    return fs.mkdirs(Path.of(path).getParent().toString())
        .compose(v -> fs.writeFile(partial, bytes))
        .compose(v -> fs.move(partial, path, new io.vertx.core.file.CopyOptions().setReplaceExisting(true)));
  }

  @Override
  public Future<Optional<Buffer>> get(String key) {
    String path = pathOf(key);
    return fs.exists(path).compose(exists -> exists ? fs.readFile(path).map(Optional::of)
        : Future.succeededFuture(Optional.empty()));
  }

  @Override
  public Future<Void> deletePrefix(String prefix) {
    String path = pathOf(prefix);
    return fs.exists(path).compose(exists -> exists ? fs.deleteRecursive(path) : Future.succeededFuture());
  }
}
