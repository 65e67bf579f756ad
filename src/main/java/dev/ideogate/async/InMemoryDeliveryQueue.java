package dev.ideogate.async;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.LongSupplier;

/** {@link DeliveryQueue} of one replica without Redis. A restart loses what it holds (documented limitation). */
public final class InMemoryDeliveryQueue implements DeliveryQueue {
  private static final int MAX_DEAD = 1000;

  private record Scheduled(long dueAtMs, long seq, Delivery delivery) {}

  private final LongSupplier clockMs;
  private final ArrayDeque<Delivery> ready = new ArrayDeque<>();
  private final PriorityQueue<Scheduled> scheduled = new PriorityQueue<>(
      (a, b) -> a.dueAtMs() != b.dueAtMs() ? Long.compare(a.dueAtMs(), b.dueAtMs()) : Long.compare(a.seq(), b.seq()));
  private final Set<String> done = new HashSet<>();
  private final Set<String> sending = new HashSet<>();
  private final LinkedList<JsonObject> dead = new LinkedList<>();
  private long seq;

  public InMemoryDeliveryQueue(LongSupplier clockMs) {
    this.clockMs = clockMs;
  }

  @Override
  public synchronized Future<Void> enqueue(Delivery delivery) {
    ready.add(delivery);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<Taken>> take(int max) {
    long now = clockMs.getAsLong();
    while (!scheduled.isEmpty() && scheduled.peek().dueAtMs() <= now) {
      ready.add(scheduled.poll().delivery());
    }
    List<Taken> taken = new ArrayList<>();
    while (!ready.isEmpty() && taken.size() < max) {
      taken.add(new Taken(ready.poll(), null));
    }
    return Future.succeededFuture(taken);
  }

  @Override
  public synchronized Future<Begin> begin(Taken taken, long lockMs) {
    String id = taken.delivery().deliveryId();
    if (done.contains(id)) {
      return Future.succeededFuture(Begin.DONE);
    }
    return Future.succeededFuture(sending.add(id) ? Begin.GO : Begin.BUSY);
  }

  @Override
  public synchronized Future<Void> delivered(Taken taken) {
    sending.remove(taken.delivery().deliveryId());
    done.add(taken.delivery().deliveryId());
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> drop(Taken taken) {
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> later(Taken taken, long delayMs) {
    scheduled.add(new Scheduled(clockMs.getAsLong() + delayMs, seq++, taken.delivery()));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> retryLater(Taken taken, long delayMs) {
    sending.remove(taken.delivery().deliveryId());
    scheduled.add(new Scheduled(clockMs.getAsLong() + delayMs, seq++, taken.delivery().next()));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> deadLetter(Taken taken, String reason) {
    sending.remove(taken.delivery().deliveryId());
    dead.addFirst(DeliveryQueue.deadLetterJson(taken.delivery(), reason, clockMs.getAsLong()));
    while (dead.size() > MAX_DEAD) {
      dead.removeLast();
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<JsonObject>> deadLetters(int max) {
    return Future.succeededFuture(List.copyOf(dead.subList(0, Math.min(max, dead.size()))));
  }

  @Override
  public synchronized Future<Boolean> retryDeadLetter(String deliveryId) {
    for (var it = dead.iterator(); it.hasNext(); ) {
      JsonObject letter = it.next();
      if (deliveryId.equals(letter.getString("delivery_id"))) {
        it.remove();
        ready.add(DeliveryQueue.redelivery(letter, clockMs.getAsLong()));
        return Future.succeededFuture(true);
      }
    }
    return Future.succeededFuture(false);
  }

  @Override
  public synchronized Future<JsonObject> depth() {
    return Future.succeededFuture(new JsonObject().put("queued", ready.size()).put("retry_scheduled", scheduled.size())
        .put("dead_letters", dead.size()));
  }
}
