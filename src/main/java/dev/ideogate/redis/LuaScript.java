package dev.ideogate.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Lua file of {@code src/main/resources/lua/}, run by its SHA-1. A Redis that does not know the script (just
 * started, {@code SCRIPT FLUSH}, a cluster node it was never loaded on) answers NOSCRIPT; then the script runs once
 * by EVAL, which routes by key like EVALSHA and leaves the script cached on exactly the node that needs it. Public for
 * the other script families (dispatch permits).
 */
public final class LuaScript {
  /** Redis round trips: 0.5 ms to the 1 s command timeout (ARCHITECTURE.md §9). */
  private static final Duration[] BUCKETS = {Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1)};
  private final String name;
  private final String source;
  private final String sha1;
  /**
   * Registered at the first run (so a script never run shows no series), then reused: a builder and a registry
   * lookup per call cost more than the recording. Micrometer's global registry hands each gateway registry that
   * joins or leaves it to the meters it already has.
   */
  private volatile Timer duration;
  private volatile Counter errors;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha1 = sha1Hex(source);
  }

  public static LuaScript load(String name) {
    String resource = "/lua/" + name + ".lua";
    try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Lua script missing from the classpath: " + resource);
      }
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  public String name() {
    return name;
  }

  public String sha1() {
    return sha1;
  }

  /** SCRIPT LOAD, so the first EVALSHA finds it (best effort: a NOSCRIPT later is handled anyway). */
  public Future<Void> preload(RedisConnector redis) {
    return redis.call(api -> api.script(List.of("LOAD", source))).mapEmpty();
  }

  /** EVALSHA with the given keys and arguments; on NOSCRIPT, EVAL of the source (which caches it). */
  public Future<Reply> run(RedisConnector redis, List<String> keys, List<String> args) {
    long startNs = System.nanoTime();
    return redis
        .call(api -> api.evalsha(flat(sha1, keys, args)))
        .recover(err -> isNoScript(err)
            ? redis.call(api -> api.eval(flat(source, keys, args)))
            : Future.failedFuture(err))
        .andThen(ar -> observe(System.nanoTime() - startNs, ar.failed()))
        .map(Reply::of);
  }

  /**
   * Latency and errors by script, on Micrometer's global registry: each running gateway's registry joins it
   * ({@code ops.GatewayMetrics}), and this layer knows no gateway.
   */
  private void observe(long nanos, boolean failed) {
    Timer timer = duration;
    if (timer == null) {
      timer = Timer.builder("ideogate.redis.script.duration")
          .description("Time from sending a Lua script to Redis to its answer, by script (NOSCRIPT retry included)")
          .tags("script", name)
          .serviceLevelObjectives(BUCKETS)
          .register(Metrics.globalRegistry);
      duration = timer;
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
    if (failed) {
      Counter counter = errors;
      if (counter == null) {
        counter = Counter.builder("ideogate.redis.script.errors")
            .description("Lua script calls that failed (timeout, connection, Redis error), by script")
            .tags("script", name)
            .register(Metrics.globalRegistry);
        errors = counter;
      }
      counter.increment();
    }
  }

  // RedisAPI.evalsha/eval take one flat list: script or sha, number of keys, keys, arguments.
  private static List<String> flat(String scriptOrSha, List<String> keys, List<String> args) {
    List<String> flat = new ArrayList<>(2 + keys.size() + args.size());
    flat.add(scriptOrSha);
    flat.add(Integer.toString(keys.size()));
    flat.addAll(keys);
    flat.addAll(args);
    return flat;
  }

  private static boolean isNoScript(Throwable err) {
    return err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT");
  }

  private static String sha1Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM lacks SHA-1", e);
    }
  }
}
