package dev.ideogate.async;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One signed POST to make (a generation result or a budget alert), and its attempt number. The delivery id is
 * deterministic ({@code dlv_<generation id>}, {@code dlv_alert_…}), so an enqueue that happens twice is still
 * delivered once: a delivery id already acknowledged with a 2xx is never POSTed again.
 *
 * @param enqueuedAtMs when the first attempt was enqueued (latency is measured from it)
 */
public record Delivery(String deliveryId, String team, String url, String kind, String body, int attempt,
    long enqueuedAtMs) {

  public Delivery {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(body, "body");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be ≥ 1, got " + attempt);
    }
  }

  public static Delivery first(String deliveryId, String team, String url, String kind, String body, long nowMs) {
    return new Delivery(deliveryId, team, url, kind, body, 1, nowMs);
  }

  public Delivery next() {
    return new Delivery(deliveryId, team, url, kind, body, attempt + 1, enqueuedAtMs);
  }

  public String toJson() {
    return JsonObject.mapFrom(this).encode();
  }

  public static Delivery fromJson(String json) {
    return new JsonObject(json).mapTo(Delivery.class);
  }

  @Override
  public String toString() { // the body may carry image URLs: keep it out of logs
    return "Delivery[" + deliveryId + ", team " + team + ", " + kind + ", attempt " + attempt + "]";
  }
}
