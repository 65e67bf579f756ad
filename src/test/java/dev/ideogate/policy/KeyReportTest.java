package dev.ideogate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.GatewayConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyReportTest {
  private static final String SHA_A = "a".repeat(64);
  private static final String SHA_B = "b".repeat(64);
  private static final String SHA_C = "c".repeat(64);
  private static final GatewayConfig CONFIG = ConfigLoader.parse("""
      security: { rotateAfterDays: 90 }
      teams:
        alpha:
          upstreamKey: "u-alpha-0123456789"
          dailyBudgetUsd: 10
          allowedModels: [V_2]
          allowedStyles: [AUTO]
          clientKeys:
            - { id: old, sha256: "%s", scopes: [images:generate], createdAt: "2026-01-01T00:00:00Z" }
            - { id: fresh, sha256: "%s", scopes: [usage:read], createdAt: "2026-03-20T00:00:00Z", expiresAt: "2026-12-31" }
      adminKeys:
        - { id: root, sha256: "%s" }
      """.formatted(SHA_A, SHA_B, SHA_C), name -> null);
  private static final Instant NOW = Instant.parse("2026-04-05T12:00:00Z");

  private static KeyReport.Row row(List<KeyReport.Row> rows, String id) {
    return rows.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void flagsAKeyOlderThanRotateAfterDays() {
    var rows = KeyReport.rows(CONFIG, Set.of(),
        Map.of("old", new KeyUsage(5, 1, Instant.parse("2026-04-05T11:00:00Z"))), NOW);
    KeyReport.Row old = row(rows, "old");
    assertEquals(94L, old.ageDays());
    assertTrue(old.rotationDue());
    assertEquals(List.of("older than 90 days (security.rotateAfterDays)"), old.reasons());
    assertEquals(5, old.requests24h());
    assertEquals(1, old.errors24h());
    assertEquals("active", old.state());
  }

  @Test
  void flagsAKeyUnusedForThirtyDaysByItsLastUseOrElseItsCreation() {
    var usedLongAgo = KeyReport.rows(CONFIG, Set.of(),
        Map.of("fresh", new KeyUsage(0, 0, Instant.parse("2026-03-06T12:00:00Z"))), NOW);
    assertTrue(row(usedLongAgo, "fresh").rotationDue());
    var usedYesterday = KeyReport.rows(CONFIG, Set.of(),
        Map.of("fresh", new KeyUsage(0, 0, Instant.parse("2026-04-04T12:00:00Z"))), NOW);
    assertFalse(row(usedYesterday, "fresh").rotationDue());
    var neverUsed = KeyReport.rows(CONFIG, Set.of(), Map.of(), NOW);
    assertFalse(row(neverUsed, "fresh").rotationDue(), "created 16 days ago");
    assertTrue(row(KeyReport.rows(CONFIG, Set.of(), Map.of(), Instant.parse("2026-04-19T00:00:00Z")), "fresh")
        .rotationDue(), "created 30 days ago, never used");
  }

  @Test
  void anAdminKeyWithoutDatesIsNotJudgedAndShowsNoAge() {
    KeyReport.Row root = row(KeyReport.rows(CONFIG, Set.of(), Map.of(), NOW), "root");
    assertNull(root.team());
    assertNull(root.ageDays());
    assertFalse(root.rotationDue());
    assertEquals(Set.of("admin"), root.scopes());
  }

  @Test
  void statesRevokedAndExpired() {
    var rows = KeyReport.rows(CONFIG, Set.of("old"), Map.of(), Instant.parse("2027-01-01T00:00:00Z"));
    assertEquals("revoked", row(rows, "old").state());
    assertEquals("expired", row(rows, "fresh").state());
  }
}
