package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link ObjectStore} does (ARCHITECTURE.md §13), run against the directory and an S3 API server. */
abstract class ObjectStoreContract {

  abstract ObjectStore store();

  abstract Vertx vertx();

  static Buffer png(int size, byte fill) {
    byte[] bytes = new byte[size];
    java.util.Arrays.fill(bytes, fill);
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    System.arraycopy(signature, 0, bytes, 0, signature.length);
    return Buffer.buffer(bytes);
  }

  @Test
  void keepsWhatItWasGivenByteForByte() {
    String key = "team-" + UUID.randomUUID() + "/batch_1/7-1.png";
    Buffer image = png(300_000, (byte) 7);
    await(store().put(key, image, "image/png"));
    assertArrayEquals(image.getBytes(), await(store().get(key)).orElseThrow().getBytes());
  }

  @Test
  void aSecondPutReplacesTheFirst() {
    String key = "team-" + UUID.randomUUID() + "/batch_1/1-1.png";
    await(store().put(key, png(100, (byte) 1), "image/png"));
    await(store().put(key, png(50, (byte) 2), "image/png"));
    assertEquals(50, await(store().get(key)).orElseThrow().length());
  }

  @Test
  void aMissingKeyIsEmptyNotAnError() {
    assertEquals(Optional.empty(), await(store().get("team-" + UUID.randomUUID() + "/nothing.png")));
  }

  @Test
  void deletingABatchPrefixDropsItsImagesAndKeepsTheOthers() {
    String team = "team-" + UUID.randomUUID();
    await(store().put(team + "/batch_a/1-1.png", png(10, (byte) 1), "image/png"));
    await(store().put(team + "/batch_a/2-1.png", png(10, (byte) 1), "image/png"));
    await(store().put(team + "/batch_b/1-1.png", png(10, (byte) 1), "image/png"));
    await(store().deletePrefix(team + "/batch_a/"));
    assertTrue(await(store().get(team + "/batch_a/1-1.png")).isEmpty());
    assertTrue(await(store().get(team + "/batch_a/2-1.png")).isEmpty());
    assertTrue(await(store().get(team + "/batch_b/1-1.png")).isPresent());
  }

  @Test
  void theRetentionSweeperDeletesTheImagesOfABatchWhoseRetentionEndedAndOnlyThose() {
    String team = "team-" + UUID.randomUUID();
    InMemoryBatchStore batches = new InMemoryBatchStore();
    long now = System.currentTimeMillis();
    for (String id : List.of("batch_short", "batch_long")) {
      long retention = id.equals("batch_short") ? 60_000 : 86_400_000;
      await(batches.create(new Batch(id, team, BatchState.RUNNING, OnBudget.PAUSE, "", now, retention, 0, 1,
          Map.of(LineState.QUEUED, 1), 0, 0), List.of(new BatchLine(1, "c1", "/v1/ideogram-v3/generate", "{}")), 5));
      BatchStore.Claim claim = await(batches.claim(now, 60_000)).orElseThrow();
      await(store().put(team + "/" + id + "/1-1.png", png(10, (byte) 1), "image/png"));
      await(store().put(team + "/" + id + "/1-2.png", png(10, (byte) 2), "image/png"));
      await(batches.finish(claim, new LineResult(1, "c1", LineState.SUCCEEDED, null, null,
          List.of(team + "/" + id + "/1-1.png", team + "/" + id + "/1-2.png"), 60_000, 0), now));
    }
    Clock anHourLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
    RetentionSweeper sweeper = new RetentionSweeper(vertx(), batches, store(), anHourLater, 60_000,
        BatchRunner.BatchEvents.NONE);

    assertEquals(List.of(team + "/batch_short"), await(sweeper.sweep()));
    assertTrue(await(store().get(team + "/batch_short/1-1.png")).isEmpty());
    assertTrue(await(store().get(team + "/batch_short/1-2.png")).isEmpty());
    assertTrue(await(store().get(team + "/batch_long/1-1.png")).isPresent(), "a batch still retained keeps its images");
    assertEquals(List.of(), await(sweeper.sweep()), "deleted once");
  }
}
