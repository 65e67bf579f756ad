package dev.ideogate.ops;

import static dev.ideogate.testing.Await.await;
import static dev.ideogate.testing.SecurityFixture.ADMIN_KEY;
import static dev.ideogate.testing.SecurityFixture.ALPHA_KEY;
import static dev.ideogate.testing.SecurityFixture.BETA_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ideogate.Gateway;
import dev.ideogate.testing.SecurityFixture.MutableClock;
import dev.ideogate.testing.SecurityFixture.Reply;
import dev.ideogate.testing.SecurityFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code /admin/keys} and revocation on one replica (in memory), with an injected clock; least privilege. */
class KeyAdminRoutesTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private final SecurityFixture fixture = new SecurityFixture();
  private final MutableClock clock = new MutableClock(T0);
  private final ListAppender<ILoggingEvent> audit = new ListAppender<>();
  private Gateway gateway;

  @BeforeEach
  void start() {
    gateway = fixture.start(SecurityFixture.parse(fixture.yaml("", "", "")), clock);
    audit.start();
    ((Logger) LoggerFactory.getLogger("audit")).addAppender(audit);
  }

  @AfterEach
  void close() {
    ((Logger) LoggerFactory.getLogger("audit")).detachAppender(audit);
    fixture.close();
  }

  private JsonObject key(String id) {
    Reply reply = fixture.get(gateway.managementPort(), "/admin/keys", ADMIN_KEY);
    assertEquals(200, reply.status(), reply.toString());
    return reply.json().getJsonArray("keys").stream().map(JsonObject.class::cast)
        .filter(k -> k.getString("id").equals(id)).findFirst().orElseThrow();
  }

  @Test
  void showsAgeLastUseAndTheLast24HoursAndFlagsRotationByInjectedTime() {
    assertEquals(200, fixture.get(gateway.port(), "/v1/usage", ALPHA_KEY).status());
    Reply bad = await(fixture.send(HttpMethod.POST, gateway.port(), "/generate",
        Map.of("Api-Key", ALPHA_KEY, "Content-Type", "application/json"), Buffer.buffer("{not json")));
    assertEquals(400, bad.status());

    JsonObject alpha = key("alpha-key");
    assertEquals("alpha", alpha.getString("team"));
    assertEquals("2026-01-01T00:00:00Z", alpha.getString("created"));
    assertEquals(59, alpha.getLong("age_days"));
    assertEquals(T0.toString(), alpha.getString("last_used"));
    assertEquals(2, alpha.getLong("requests_24h"));
    assertEquals(1, alpha.getLong("errors_24h"));
    assertFalse(alpha.getBoolean("rotation_due"));
    assertEquals("active", alpha.getString("state"));
    assertFalse(alpha.encode().contains("sha256"), "never a hash: " + alpha.encode());

    JsonObject beta = key("beta-key");
    assertNull(beta.getValue("age_days"));
    assertNull(beta.getValue("last_used"));
    assertEquals(0, beta.getLong("requests_24h"));

    clock.set(T0.plusSeconds(35 * 86_400L));
    JsonObject later = key("alpha-key");
    assertEquals(94, later.getLong("age_days"));
    assertEquals(0, later.getLong("requests_24h"), "yesterday's hours have left the window");
    assertTrue(later.getBoolean("rotation_due"));
    assertEquals(2, later.getJsonArray("rotation_reasons").size(), later.encode());
  }

  @Test
  void revokingRefusesTheKeyAtOnceAndWritesAnAuditLine() {
    assertEquals(200, fixture.get(gateway.port(), "/v1/usage", ALPHA_KEY).status());

    Reply revoked = fixture.post(gateway.managementPort(), "/admin/keys/alpha-key/revoke", ADMIN_KEY);

    assertEquals(200, revoked.status(), revoked.toString());
    Reply refused = fixture.get(gateway.port(), "/v1/usage", ALPHA_KEY);
    assertEquals(401, refused.status());
    assertEquals("unauthenticated", refused.code());
    assertEquals("revoked", key("alpha-key").getString("state"));
    assertEquals(200, fixture.get(gateway.port(), "/v1/usage", BETA_KEY).status(), "other keys unaffected");
    ILoggingEvent line = audit.list.stream().filter(e -> e.getFormattedMessage().contains("admin action"))
        .findFirst().orElseThrow();
    String args = java.util.Arrays.toString(line.getArgumentArray());
    assertTrue(args.contains("action=keys.revoke") && args.contains("target_key_id=alpha-key")
        && args.contains("client_key_id=ops-admin"), args);
    assertFalse(args.contains("igk_"), args);
  }

  @Test
  void revokingAnUnknownIdIs404() {
    Reply reply = fixture.post(gateway.managementPort(), "/admin/keys/nobody/revoke", ADMIN_KEY);
    assertEquals(404, reply.status());
    assertEquals("not_found", reply.code());
  }

  @Test
  void teamKeysCannotReadOrChangeKeysOrOtherTeamsUsage() {
    int mgmt = gateway.managementPort();
    assertEquals("scope_denied", fixture.get(mgmt, "/admin/keys", ALPHA_KEY).code());
    assertEquals(403, fixture.get(mgmt, "/admin/keys", ALPHA_KEY).status());
    assertEquals(403, fixture.post(mgmt, "/admin/keys/beta-key/revoke", ALPHA_KEY).status());
    assertEquals(403, fixture.get(mgmt, "/admin/usage", ALPHA_KEY).status());
    assertEquals(401, fixture.get(mgmt, "/admin/keys", null).status());
    assertEquals(401, fixture.post(mgmt, "/admin/keys/beta-key/revoke", null).status());
    assertEquals(200, fixture.get(gateway.port(), "/v1/usage", BETA_KEY).status(), "beta-key not revoked");

    Reply own = fixture.get(gateway.port(), "/v1/usage", ALPHA_KEY);
    assertEquals(200, own.status());
    assertFalse(own.body().toString().contains("beta"), own.toString());
    assertEquals(403, fixture.get(gateway.port(), "/v1/usage", ADMIN_KEY).status(), "admin is not usage:read");
    assertEquals(403, await(fixture.generate(gateway.port(), ADMIN_KEY, "x")).status(), "admin cannot generate");
    assertEquals(403, await(fixture.send(HttpMethod.POST, gateway.port(), "/upscale", Map.of("Api-Key", BETA_KEY),
        Buffer.buffer("x"))).status(), "beta lacks images:upscale");
  }

  @Test
  void probesStayOpenWithoutAKey() {
    assertEquals(200, fixture.get(gateway.managementPort(), "/health/live", null).status());
    assertEquals(200, fixture.get(gateway.managementPort(), "/health/ready", null).status());
  }
}
