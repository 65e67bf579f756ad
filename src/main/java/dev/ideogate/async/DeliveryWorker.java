package dev.ideogate.async;

import dev.ideogate.config.TeamConfig;
import dev.ideogate.dispatch.Backoff;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the signed POSTs of one replica: takes entries from the {@link DeliveryQueue}, signs each with its team's
 * secret ({@link WebhookSignature}, a fresh timestamp per attempt), and acknowledges on 2xx, reschedules with full
 * jitter backoff on anything else, dead-letters after the last attempt, and at once when the {@link WebhookSender}
 * refuses the address (ARCHITECTURE.md §11). Redirects are not followed (a webhook URL must not bounce the gateway
 * elsewhere). Neither the secret nor the body is logged.
 */
public final class DeliveryWorker {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
  private static final int BATCH = 32;

  private final Vertx vertx;
  private final DeliveryQueue queue;
  private final Function<String, TeamConfig> teams;
  private final AsyncSettings settings;
  private final DeliveryStats stats;
  private final Clock clock;
  private final WebhookSender sender;
  private volatile boolean stopped;
  private long timerId = -1;

  public DeliveryWorker(Vertx vertx, DeliveryQueue queue, Function<String, TeamConfig> teams, AsyncSettings settings,
      DeliveryStats stats, Clock clock, Supplier<String> environment) {
    this.clock = clock;
    this.vertx = vertx;
    this.queue = queue;
    this.teams = teams;
    this.settings = settings;
    this.stats = stats;
    this.sender = new WebhookSender(vertx, Math.min(5_000, settings.deliveryTimeoutMs()), environment);
  }

  public void start() {
    schedule(0);
  }

  public void stop() {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    sender.close();
  }

  private void schedule(long delayMs) {
    if (stopped) {
      return;
    }
    timerId = vertx.setTimer(Math.max(1, delayMs), id -> tick());
  }

  private void tick() {
    queue.take(BATCH)
        .compose(taken -> Future.join(taken.stream().map(this::work).toList()).map(taken.size()))
        .onComplete(done -> schedule(done.succeeded() && done.result() > 0 ? 0 : settings.deliveryPollMs()));
  }

  private Future<Void> work(DeliveryQueue.Taken taken) {
    // the lock outlives one POST (its timeout) and expires before a dead replica's entry is reclaimed
    return queue.begin(taken, settings.deliveryTimeoutMs() + 500).compose(begin -> switch (begin) {
      case GO -> post(taken);
      case DONE -> {
        stats.duplicatesSkipped.incrementAndGet();
        yield queue.drop(taken);
      }
      case BUSY -> queue.later(taken, settings.reclaimIdleMs());
    });
  }

  private Future<Void> post(DeliveryQueue.Taken taken) {
    Delivery delivery = taken.delivery();
    TeamConfig team = teams.apply(delivery.team());
    if (team == null || !team.hasWebhookSecret()) {
      stats.deadLettered.incrementAndGet();
      return queue.deadLetter(taken, "team " + delivery.team() + " has no webhook secret configured");
    }
    byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
    long nowS = clock.millis() / 1000;
    stats.attempts.incrementAndGet();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json")
        .add("User-Agent", "ideogate-webhooks")
        .add(WebhookSignature.DELIVERY_ID_HEADER, delivery.deliveryId())
        .add("Ideogate-Event", delivery.kind())
        .add("Ideogate-Attempt", Integer.toString(delivery.attempt()))
        .add(WebhookSignature.HEADER, WebhookSignature.header(team.webhookSecret(), nowS, delivery.deliveryId(), body));
    return sender.post(delivery.url(), headers, Buffer.buffer(body), settings.deliveryTimeoutMs())
        .transform(result -> {
          if (result.succeeded() && result.result() / 100 == 2) {
            stats.delivered.incrementAndGet();
            stats.recordLatency(clock.millis() - delivery.enqueuedAtMs());
            return queue.delivered(taken);
          }
          if (result.failed() && result.cause() instanceof WebhookSender.Refused refused) {
            stats.deadLettered.incrementAndGet();
            LOG.warn("webhook {} of team {} refused: {}", delivery.deliveryId(), delivery.team(), refused.getMessage());
            return queue.deadLetter(taken, refused.getMessage());
          }
          String reason = result.succeeded() ? "receiver answered " + result.result()
              : "receiver unreachable (" + result.cause().getClass().getSimpleName() + ")";
          return failed(taken, reason);
        });
  }

  private Future<Void> failed(DeliveryQueue.Taken taken, String reason) {
    Delivery delivery = taken.delivery();
    stats.failedAttempts.incrementAndGet();
    if (delivery.attempt() >= settings.deliveryAttempts()) {
      stats.deadLettered.incrementAndGet();
      LOG.warn("webhook {} of team {} dead-lettered after {} attempts: {}", delivery.deliveryId(), delivery.team(),
          delivery.attempt(), reason);
      return queue.deadLetter(taken, reason);
    }
    long delayMs = Backoff.delayMs(delivery.attempt(), settings.deliveryBaseDelayMs(), settings.deliveryMaxDelayMs(),
        ThreadLocalRandom.current()::nextDouble);
    LOG.debug("webhook {} attempt {} failed ({}); next in {} ms", delivery.deliveryId(), delivery.attempt(), reason,
        delayMs);
    return queue.retryLater(taken, delayMs);
  }
}
