package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link ObjectStore} does (ARCHITECTURE.md §13), run against the directory and an S3 API server. */
abstract class ObjectStoreContract {

  abstract ObjectStore store();

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
}
