package dev.ideogate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.ideogate.config.ConfigLoader;
import dev.ideogate.config.GatewayConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientKeysTest {
  static final String BATCH_KEY = "igk_prod_" + "A".repeat(43);
  static final String OLD_KEY = "igk_prod_" + "B".repeat(43);
  static final String ADMIN_KEY = "igk_prod_" + "C".repeat(43);

  static final GatewayConfig PROD = ConfigLoader.parse("""
      environment: prod
      redis: { singleReplica: true }
      security: { tlsTerminatedByMesh: true }
      teams:
        marketing:
          upstreamKey: k-1
          dailyBudgetUsd: 20
          allowedModels: [V_2]
          allowedStyles: [DESIGN]
          clientKeys:
            - { id: batch, sha256: "%s", scopes: [images:generate, usage:read] }
            - { id: old, sha256: "%s", scopes: [usage:read], expiresAt: 2027-03-01 }
      adminKeys: [{ id: ops, sha256: "%s" }]
      """.formatted(ClientKeys.sha256(BATCH_KEY), ClientKeys.sha256(OLD_KEY), ClientKeys.sha256(ADMIN_KEY)),
      Map.<String, String>of()::get);

  static ClientKeys at(String instant) {
    return new ClientKeys(PROD, Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
  }

  @Test
  void authenticatesAKeyByItsHashToItsTeamAndScopes() {
    Optional<ClientKeys.Principal> principal = at("2026-06-01T00:00:00Z").authenticate(BATCH_KEY);

    assertEquals(Optional.of(new ClientKeys.Principal("batch", "marketing", Set.of("images:generate", "usage:read"))),
        principal);
    assertTrue(principal.get().has("images:generate"));
    assertFalse(principal.get().has("images:upscale"));
    assertFalse(principal.get().has("admin"));
  }

  @Test
  void authenticatesAnAdminKeyWithoutATeam() {
    ClientKeys.Principal admin = at("2026-06-01T00:00:00Z").authenticate(ADMIN_KEY).orElseThrow();

    assertEquals(null, admin.team());
    assertTrue(admin.has("admin"));
    assertTrue(admin.isAdmin());
  }

  /** Admin keys could not expire: a leaked one stayed valid until someone edited the config. */
  @Test
  void anAdminKeyStopsAuthenticatingAtItsExpiry() {
    GatewayConfig config = ConfigLoader.parse("""
        teams:
          t: { upstreamKey: k, dailyBudgetUsd: 1, allowedModels: [V_2], allowedStyles: [AUTO] }
        adminKeys: [{ id: ops, sha256: "%s", expiresAt: 2027-03-01 }]
        """.formatted(ClientKeys.sha256("igk_dev_" + "C".repeat(43))), Map.<String, String>of()::get);
    String key = "igk_dev_" + "C".repeat(43);
    ClientKeys before = new ClientKeys(config, Clock.fixed(Instant.parse("2027-02-28T23:59:59Z"), ZoneOffset.UTC));
    ClientKeys after = new ClientKeys(config, Clock.fixed(Instant.parse("2027-03-01T00:00:00Z"), ZoneOffset.UTC));
    assertTrue(before.authenticate(key).orElseThrow().isAdmin());
    assertEquals(Optional.empty(), after.authenticate(key));
  }

  @Test
  void rejectsUnknownMissingAndOverlongKeys() {
    ClientKeys keys = at("2026-06-01T00:00:00Z");

    assertEquals(Optional.empty(), keys.authenticate("igk_prod_" + "D".repeat(43)));
    assertEquals(Optional.empty(), keys.authenticate(null));
    assertEquals(Optional.empty(), keys.authenticate(""));
    assertEquals(Optional.empty(), keys.authenticate(BATCH_KEY + "x".repeat(200)));
  }

  @Test
  void rejectsAKeyOfAnotherEnvironmentEvenWhenItsHashIsConfigured() {
    String devKey = "igk_dev_" + "A".repeat(43);
    GatewayConfig prodWithDevHash = ConfigLoader.parse("""
        environment: prod
        redis: { singleReplica: true }
        security: { tlsTerminatedByMesh: true }
        teams:
          t:
            upstreamKey: k
            dailyBudgetUsd: 1
            allowedModels: [V_2]
            allowedStyles: [DESIGN]
            clientKeys: [{ id: leaked, sha256: "%s", scopes: [usage:read] }]
        """.formatted(ClientKeys.sha256(devKey)), Map.<String, String>of()::get);

    ClientKeys keys = new ClientKeys(prodWithDevHash, Clock.systemUTC());

    assertEquals(Optional.empty(), keys.authenticate(devKey));
  }

  @Test
  void acceptsAKeyUntilTheInstantItExpires() {
    assertTrue(at("2027-02-28T23:59:59Z").authenticate(OLD_KEY).isPresent());
    assertEquals(Optional.empty(), at("2027-03-01T00:00:00Z").authenticate(OLD_KEY));
  }

  @Test
  void rejectsARevokedKeyAndOnlyThatOne() {
    ClientKeys keys = at("2026-06-01T00:00:00Z").withRevoked(Set.of("batch"));

    assertEquals(Optional.empty(), keys.authenticate(BATCH_KEY));
    assertTrue(keys.authenticate(OLD_KEY).isPresent());
    assertTrue(keys.withRevoked(Set.of()).authenticate(BATCH_KEY).isPresent());
  }

  @Test
  void acceptsTheFixedDemoKeysInTheDemoConfig() {
    ClientKeys keys = new ClientKeys(ConfigLoader.demo("http://127.0.0.1:1", 0, 0), Clock.systemUTC());

    assertEquals("social", keys.authenticate("igk_demo_social").orElseThrow().team());
    assertEquals("marketing", keys.authenticate("igk_demo_marketing").orElseThrow().team());
    assertTrue(keys.authenticate("igk_demo_admin").orElseThrow().has("admin"));
    assertEquals(Optional.empty(), keys.authenticate("igk_dev_marketing"));
  }

  @Test
  void makesKeysOfTheEnvironmentWith43Base62Digits() {
    String key = ClientKeys.newKey("prod");

    assertTrue(key.matches("igk_prod_[0-9A-Za-z]{43}"), key);
    assertNotEquals(key, ClientKeys.newKey("prod"));
  }

  @Test
  void hashesToLowercaseHex() {
    assertEquals("e4713b25884a04ff84cf94477ed2b2469ce67fa8272c2a6ec71ab16751658a8c",
        ClientKeys.sha256("igk_demo_marketing"));
  }

  @Test
  void readsTheKeyFromApiKeyOrABearerToken() {
    assertEquals(Optional.of("igk_a"), ClientKeys.presentedKey(" igk_a ", null));
    assertEquals(Optional.of("igk_b"), ClientKeys.presentedKey(null, "Bearer igk_b"));
    assertEquals(Optional.of("igk_b"), ClientKeys.presentedKey("", "bearer  igk_b"));
    assertEquals(Optional.of("igk_a"), ClientKeys.presentedKey("igk_a", "Bearer igk_b"));
    assertEquals(Optional.empty(), ClientKeys.presentedKey(null, "Basic dXNlcjpwYXNz"));
    assertEquals(Optional.empty(), ClientKeys.presentedKey(null, "Bearer "));
    assertEquals(Optional.empty(), ClientKeys.presentedKey(null, null));
  }
}
