package dev.ideogate.batch;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches each image a line produced from Ideogram's expiring URL and stores it in the {@link ObjectStore} under a
 * key of the gateway's own making (ARCHITECTURE.md §13). Fetching happens as soon as the line succeeds: well before
 * the URL expires.
 */
public final class ImageKeeper {
  private final WebClient client;
  private final ObjectStore store;
  private final long maxImageBytes;

  public ImageKeeper(WebClient client, ObjectStore store, long maxImageBytes) {
    this.client = client;
    this.store = store;
    this.maxImageBytes = maxImageBytes;
  }

  public ObjectStore store() {
    return store;
  }

  /** The keys of the stored images, in the order of {@code urls}; fails when any image could not be kept. */
  public Future<List<String>> keep(String team, String batchId, int line, List<String> urls) {
    List<Future<String>> kept = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      String key = team + "/" + batchId + "/" + line + "-" + (i + 1) + ".png";
      kept.add(fetch(urls.get(i)).compose(bytes -> store.put(key, bytes, "image/png")).map(v -> key));
    }
    return Future.all(kept).map(all -> all.<String>list());
  }

  private Future<Buffer> fetch(String url) {
    return client.getAbs(url).send().compose(this::body);
  }

  private Future<Buffer> body(HttpResponse<Buffer> response) {
    if (response.statusCode() != 200 || response.body() == null) {
      return Future.failedFuture(new IllegalStateException("image URL answered " + response.statusCode()));
    }
    if (response.body().length() > maxImageBytes) {
      return Future.failedFuture(new IllegalStateException("image larger than " + maxImageBytes + " bytes"));
    }
    return Future.succeededFuture(response.body());
  }
}
