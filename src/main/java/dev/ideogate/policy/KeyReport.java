package dev.ideogate.policy;

import dev.ideogate.config.ClientKeyConfig;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.config.TeamConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle view of every configured key ({@code GET /admin/keys}): age, last use, 24 h counts, state, and
 * whether it is due for rotation. A key is {@code rotation_due} when it is older than
 * {@code security.rotateAfterDays} (by its {@code createdAt}) or unused for {@value #UNUSED_DAYS} days (by its last
 * use, or by its {@code createdAt} when it was never used). A key with neither date cannot be judged and is not
 * flagged. Pure: the caller supplies usage, the revoked ids and the time.
 */
public final class KeyReport {
  public static final int UNUSED_DAYS = 30;

  private KeyReport() {}

  /**
   * One key. Never its hash: the report is for people, and the hash is what the config needs, not them.
   *
   * @param team null for an admin key
   * @param ageDays null when the key has no createdAt
   * @param state active | expired | revoked
   * @param reasons why rotation is due (empty when it is not)
   */
  public record Row(String id, String team, Set<String> scopes, Instant createdAt, Instant expiresAt, Long ageDays,
      Instant lastUsed, long requests24h, long errors24h, String state, boolean rotationDue, List<String> reasons) {}

  public static List<Row> rows(GatewayConfig config, Set<String> revokedIds, Map<String, KeyUsage> usage,
      Instant now) {
    List<Row> rows = new ArrayList<>();
    for (TeamConfig team : config.teams().values()) {
      for (ClientKeyConfig key : team.clientKeys()) {
        rows.add(row(config, key.id(), team.id(), key.scopes(), key.createdAt(), key.expiresAt(), revokedIds, usage,
            now));
      }
    }
    for (GatewayConfig.AdminKey key : config.adminKeys()) {
      rows.add(row(config, key.id(), null, Set.of(ClientKeys.ADMIN_SCOPE), null, null, revokedIds, usage, now));
    }
    return rows;
  }

  /** Every key id of the config, team keys first. */
  public static List<String> keyIds(GatewayConfig config) {
    List<String> ids = new ArrayList<>();
    config.teams().values().forEach(t -> t.clientKeys().forEach(k -> ids.add(k.id())));
    config.adminKeys().forEach(k -> ids.add(k.id()));
    return ids;
  }

  private static Row row(GatewayConfig config, String id, String team, Set<String> scopes, Instant createdAt,
      Instant expiresAt, Set<String> revokedIds, Map<String, KeyUsage> usage, Instant now) {
    KeyUsage used = usage.getOrDefault(id, KeyUsage.NONE);
    Long ageDays = createdAt == null ? null : Math.max(0, Duration.between(createdAt, now).toDays());
    List<String> reasons = new ArrayList<>();
    int rotateAfterDays = config.security().rotateAfterDays();
    if (ageDays != null && ageDays >= rotateAfterDays) {
      reasons.add("older than " + rotateAfterDays + " days (security.rotateAfterDays)");
    }
    Instant lastActivity = used.lastUsed() != null ? used.lastUsed() : createdAt;
    if (lastActivity != null && Duration.between(lastActivity, now).toDays() >= UNUSED_DAYS) {
      reasons.add("unused for " + UNUSED_DAYS + " days or more");
    }
    String state = revokedIds.contains(id) ? "revoked"
        : expiresAt != null && !now.isBefore(expiresAt) ? "expired"
        : "active";
    return new Row(id, team, scopes, createdAt, expiresAt, ageDays, used.lastUsed(), used.requests24h(),
        used.errors24h(), state, !reasons.isEmpty(), List.copyOf(reasons));
  }
}
