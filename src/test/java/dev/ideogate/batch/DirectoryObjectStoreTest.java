package dev.ideogate.batch;

import static dev.ideogate.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryObjectStoreTest extends ObjectStoreContract {
  private static Vertx vertx;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Override
  Vertx vertx() {
    return vertx;
  }

  @Override
  ObjectStore store() {
    return new DirectoryObjectStore(vertx, dir);
  }

  @Test
  void aKeyNeverLeavesTheDirectory() {
    assertThrows(IllegalArgumentException.class, () -> store().get("../outside.png"));
  }
}
