package dev.ideogate.async;

import io.vertx.core.Future;
import java.util.List;

/**
 * Async generations between acceptance and settlement, shared by every replica ({@link RedisAsyncStore}) or
 * held by the only one ({@link InMemoryAsyncStore}). Also the "once" marks of budget alerts.
 */
public interface AsyncStore {

  /** Remembers a pending generation and indexes it by its reconcile deadline. */
  Future<Void> record(AsyncGeneration generation);

  /** The generation, or null when unknown (never recorded, or its record expired). */
  Future<AsyncGeneration> find(String generationId);

  /**
   * Marks the generation settled with its outcome; true for the one call that did it, false when it was already
   * settled (a duplicate callback, a poll after the callback) or is unknown. Atomic across replicas.
   */
  Future<Boolean> markSettled(String generationId, String status, long chargedMicroUsd, int images);

  /** Whether the generation is still pending (false when settled or unknown). */
  Future<Boolean> pending(String generationId);

  /** Up to {@code max} pending generation ids whose reconcile deadline is ≤ {@code nowMs}, earliest first. */
  Future<List<String>> due(long nowMs, int max);

  /** True when this replica may reconcile the generation now (no other replica claimed it within ttlMs). */
  Future<Boolean> claim(String generationId, String owner, long ttlMs);

  /** Moves the generation's reconcile deadline (still pending upstream: look again later). */
  Future<Void> postpone(String generationId, long deadlineMs);

  /** Drops the generation from the reconcile index (settled). */
  Future<Void> unindex(String generationId);

  /** True the first time {@code name} is marked within ttlMs, across all replicas (Redis SET NX). */
  Future<Boolean> once(String name, long ttlMs);

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
