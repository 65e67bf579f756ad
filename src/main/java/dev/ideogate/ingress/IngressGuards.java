package dev.ideogate.ingress;

import dev.ideogate.policy.KeyUsageStore;
import dev.ideogate.policy.RateLimitStore;

/** The security stores a port's handlers share across its verticle instances (one of each per gateway). */
public record IngressGuards(RateLimitStore rateLimits, KeyUsageStore keyUsage) {}
