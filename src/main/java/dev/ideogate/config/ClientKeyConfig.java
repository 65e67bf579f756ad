package dev.ideogate.config;

import java.time.Instant;
import java.util.Set;

/**
 * A gateway client key as configured: only its SHA-256 is ever stored.
 *
 * @param createdAt may be null for keys written by hand
 * @param expiresAt null = never expires
 */
public record ClientKeyConfig(String id, String sha256, Set<String> scopes, Instant createdAt, Instant expiresAt) {}
