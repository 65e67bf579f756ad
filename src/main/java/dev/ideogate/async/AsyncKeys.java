package dev.ideogate.async;

/**
 * Redis keys of async generations and webhook deliveries (ARCHITECTURE.md §7 style, prefix configurable):
 * <pre>
 * &lt;p&gt;:{g:&lt;generation id&gt;}:gen      hash   record (JSON), status, charged, images, settled_at   TTL recordTtl
 * &lt;p&gt;:{g:&lt;generation id&gt;}:claim    string the replica reconciling it now                          TTL 30 s
 * &lt;p&gt;:async:pending                  zset   pending generation id → reconcile deadline (ms)
 * &lt;p&gt;:{wh}:stream                    stream deliveries to make (field d = JSON), consumer group "deliver"
 * &lt;p&gt;:{wh}:retry                     zset   next attempt JSON → due time (ms, Redis TIME)
 * &lt;p&gt;:{wh}:dead                      list   dead letters, newest first, capped
 * &lt;p&gt;:{wh}:done:&lt;delivery id&gt;       string set once delivered with a 2xx                             TTL 7 days
 * &lt;p&gt;:{wh}:lock:&lt;delivery id&gt;       string the replica POSTing it                                    TTL POST timeout
 * &lt;p&gt;:{t:&lt;team&gt;}:alert:&lt;d|m&gt;:&lt;period&gt;:&lt;pct&gt;  string  a budget alert fired (SET NX)                TTL 40/400 days
 * </pre>
 * A generation's keys are tagged by its id, not its team: a callback carries only the id, and each generation is
 * settled by one script on its own slot. The delivery keys share the tag {@code {wh}} so each delivery script
 * runs on one Cluster slot (all deliveries live on one node: fine for webhook volumes, not for images).
 */
final class AsyncKeys {
  private final String prefix;

  AsyncKeys(String prefix) {
    this.prefix = prefix;
  }

  String generation(String id) {
    return prefix + ":{g:" + id + "}:gen";
  }

  String claim(String id) {
    return prefix + ":{g:" + id + "}:claim";
  }

  String pending() {
    return prefix + ":async:pending";
  }

  String once(String name) {
    return prefix + ":" + name;
  }

  String stream() {
    return prefix + ":{wh}:stream";
  }

  String retry() {
    return prefix + ":{wh}:retry";
  }

  String dead() {
    return prefix + ":{wh}:dead";
  }

  String done(String deliveryId) {
    return prefix + ":{wh}:done:" + deliveryId;
  }

  String lock(String deliveryId) {
    return prefix + ":{wh}:lock:" + deliveryId;
  }
}
