package dev.ideogate.dashboard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the dashboard reads from this replica's own metrics registry (ARCHITECTURE.md §9) rather than counting twice:
 * the queue wait histogram {@code ideogate_queue_wait_seconds{team}} and the upstream answers
 * {@code ideogate_upstream_responses_total{lane,status}}. Figures are this replica's, since it started.
 */
final class LaneMetrics {
  /** Queue wait percentiles of a lane: the upper bound (ms) of the histogram bucket holding each; NaN when empty. */
  record Wait(long count, double p50Ms, double p99Ms) {}

  private LaneMetrics() {}

  /** The merged queue wait histogram of those teams (the teams whose upstream key is the lane). */
  static Wait queueWait(MeterRegistry registry, Collection<String> teams) {
    Map<Double, Double> cumulative = new TreeMap<>();
    long count = 0;
    for (Timer timer : registry.find("ideogate.queue.wait").timers()) {
      if (!teams.contains(timer.getId().getTag("team"))) {
        continue;
      }
      HistogramSnapshot snapshot = timer.takeSnapshot();
      count += snapshot.count();
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        cumulative.merge(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count(), Double::sum);
      }
    }
    return new Wait(count, percentile(cumulative, count, 0.50), percentile(cumulative, count, 0.99));
  }

  /**
   * The smallest bucket bound whose cumulative count reaches {@code q} of all (Micrometer's Prometheus histograms
   * count cumulatively, as Prometheus does); the largest bound when the rest lie beyond the last bucket.
   */
  static double percentile(Map<Double, Double> cumulativeByBoundMs, long count, double q) {
    if (count == 0 || cumulativeByBoundMs.isEmpty()) {
      return Double.NaN;
    }
    double target = Math.ceil(q * count);
    double last = Double.NaN;
    for (Map.Entry<Double, Double> bucket : cumulativeByBoundMs.entrySet()) {
      last = bucket.getKey();
      if (bucket.getValue() >= target) {
        return bucket.getKey();
      }
    }
    return last;
  }

  /** Upstream 429 answers on that lane. */
  static long throttled(MeterRegistry registry, String lane) {
    return Math.round(registry.find("ideogate.upstream.responses").tag("lane", lane).tag("status", "429")
        .counters().stream().mapToDouble(Counter::count).sum());
  }
}
