package dev.ideogate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RandomIdsTest {
  @Test
  void aFreshIdIsARandomVersion4UuidAndNeverRepeats() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = RandomIds.uuid();
      UUID parsed = UUID.fromString(id);
      assertEquals(id, parsed.toString());
      assertEquals(4, parsed.version());
      assertEquals(2, parsed.variant());
      seen.add(id);
    }
    assertEquals(10_000, seen.size());
  }
}
