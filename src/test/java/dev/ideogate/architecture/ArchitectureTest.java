package dev.ideogate.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.ideogate.upstream.Endpoint;
import dev.ideogate.upstream.IdeogramEnums;
import dev.ideogate.upstream.KeyFingerprint;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/ARCHITECTURE.md ("Layers"), checked on the compiled main classes. A new dependency that
 * points up a layer, a cycle between packages, or Vert.x inside a pure decision fails the build here.
 */
class ArchitectureTest {
  static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.ideogate");

  /** The layers, bottom to top; each may use only the layers its rule names. */
  static ArchRule layers() {
    return layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("api").definedBy("dev.ideogate.api..")
        .layer("config").definedBy("dev.ideogate.config..")
        .layer("upstream").definedBy("dev.ideogate.upstream..")
        .layer("redis").definedBy("dev.ideogate.redis..")
        .layer("budget").definedBy("dev.ideogate.budget..")
        .layer("dispatch").definedBy("dev.ideogate.dispatch..")
        .layer("policy").definedBy("dev.ideogate.policy..")
        .layer("async").definedBy("dev.ideogate.async..")
        .layer("batch").definedBy("dev.ideogate.batch..")
        .layer("ops").definedBy("dev.ideogate.ops..")
        .layer("tracing").definedBy("dev.ideogate.tracing..")
        .layer("ingress").definedBy("dev.ideogate.ingress..")
        .layer("dashboard").definedBy("dev.ideogate.dashboard..")
        .layer("sim").definedBy("dev.ideogate.sim..")
        .layer("cli").definedBy("dev.ideogate.cli..")
        .layer("wiring").definedBy("dev.ideogate")
        .whereLayer("wiring").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("dashboard").mayOnlyBeAccessedByLayers("wiring")
        .whereLayer("ingress").mayOnlyBeAccessedByLayers("dashboard", "wiring", "cli")
        .whereLayer("ops").mayOnlyBeAccessedByLayers("ingress", "dashboard", "wiring", "cli")
        .whereLayer("tracing").mayOnlyBeAccessedByLayers("ingress", "dashboard", "wiring", "cli")
        .whereLayer("async").mayOnlyBeAccessedByLayers("ingress", "ops", "dashboard", "wiring", "cli")
        .whereLayer("batch").mayOnlyBeAccessedByLayers("ingress", "ops", "dashboard", "wiring", "cli")
        .whereLayer("budget").mayOnlyBeAccessedByLayers("async", "ops", "ingress", "dashboard", "wiring", "cli")
        .whereLayer("dispatch").mayOnlyBeAccessedByLayers("async", "ops", "ingress", "dashboard", "wiring", "cli")
        .whereLayer("policy").mayOnlyBeAccessedByLayers("async", "ops", "ingress", "dashboard", "wiring", "cli")
        .whereLayer("redis").mayOnlyBeAccessedByLayers("budget", "dispatch", "policy", "async", "batch", "ops", "wiring",
            "cli")
        .whereLayer("upstream").mayOnlyBeAccessedByLayers("budget", "dispatch", "policy", "async", "batch", "ops", "tracing",
            "ingress", "dashboard", "sim", "wiring", "cli")
        .whereLayer("sim").mayOnlyBeAccessedByLayers("wiring", "cli")
        .whereLayer("config").mayOnlyBeAccessedByLayers("upstream", "redis", "budget", "dispatch", "policy", "async",
            "batch", "ops", "tracing", "ingress", "dashboard", "wiring", "cli");
  }

  @Test
  void layersPointOneWay() {
    layers().check(MAIN);
  }

  @Test
  void apiDependsOnNothingOfTheGatewayNorOnVertx() {
    noClasses().that().resideInAPackage("dev.ideogate.api..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "dev.ideogate", "dev.ideogate.config..",
            "dev.ideogate.upstream..", "dev.ideogate.redis..", "dev.ideogate.budget..", "dev.ideogate.dispatch..",
            "dev.ideogate.policy..", "dev.ideogate.async..", "dev.ideogate.batch..", "dev.ideogate.ops..", "dev.ideogate.ingress..",
            "dev.ideogate.dashboard..", "dev.ideogate.sim..", "dev.ideogate.cli..")
        .check(MAIN);
  }

  /** OpenTelemetry stays in its package: lower layers carry trace context as plain data (upstream.CallTrace). */
  @Test
  void onlyTheTracingPackageUsesOpenTelemetry() {
    noClasses().that().resideOutsideOfPackage("dev.ideogate.tracing..")
        .should().dependOnClassesThat().resideInAnyPackage("io.opentelemetry..")
        .check(MAIN);
  }

  /** The simulator stands in for Ideogram: its own reading of the contract, only plain constants of upstream. */
  static ArchRule simulatorUsesOnlyApiAndUpstreamConstants() {
    return classes().that().resideInAPackage("dev.ideogate.sim..")
        .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.ideogate..")
            .or(resideInAnyPackage("dev.ideogate.sim..", "dev.ideogate.api.."))
            .or(belongToAnyOf(Endpoint.class, IdeogramEnums.class, KeyFingerprint.class)))
        .because("the simulator must not validate requests with the gateway's own code (ARCHITECTURE.md, Layers)");
  }

  @Test
  void simulatorUsesOnlyApiAndUpstreamConstantsAndOnlyCliAndWiringUseIt() {
    simulatorUsesOnlyApiAndUpstreamConstants().check(MAIN);
    noClasses().that().resideOutsideOfPackages("dev.ideogate.sim..", "dev.ideogate.cli..")
        .and().resideOutsideOfPackage("dev.ideogate")
        .should().dependOnClassesThat().resideInAPackage("dev.ideogate.sim..")
        .check(MAIN);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("dev.ideogate.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void budgetDispatchAndPolicyNeverReachEachOther() {
    noClasses().that().resideInAPackage("dev.ideogate.budget..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.ideogate.dispatch..", "dev.ideogate.policy..")
        .check(MAIN);
    noClasses().that().resideInAPackage("dev.ideogate.dispatch..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.ideogate.budget..", "dev.ideogate.policy..")
        .check(MAIN);
    noClasses().that().resideInAPackage("dev.ideogate.policy..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.ideogate.budget..", "dev.ideogate.dispatch..")
        .check(MAIN);
  }

  @Test
  void pureDecisionsAreFreeOfVertx() {
    noClasses().that().haveFullyQualifiedName("dev.ideogate.budget.Pricing")
        .or().haveFullyQualifiedName("dev.ideogate.budget.Quote")
        .or().haveFullyQualifiedName("dev.ideogate.budget.BudgetWindow")
        .or().haveFullyQualifiedName("dev.ideogate.policy.TeamPolicy")
        .or().haveFullyQualifiedName("dev.ideogate.policy.ContentPolicy")
        .or().haveFullyQualifiedName("dev.ideogate.policy.PiiDetector")
        .or().haveFullyQualifiedName("dev.ideogate.policy.ClientKeys")
        .or().haveFullyQualifiedName("dev.ideogate.policy.RateLimiter")
        .or().haveFullyQualifiedName("dev.ideogate.dispatch.Backoff")
        .or().haveFullyQualifiedName("dev.ideogate.dispatch.AimdLimit")
        .or().haveFullyQualifiedName("dev.ideogate.dispatch.FairQueue")
        .or().haveFullyQualifiedName("dev.ideogate.dispatch.RetryAfter")
        .or().haveFullyQualifiedName("dev.ideogate.redis.AnswerPatience")
        .or().haveFullyQualifiedName("dev.ideogate.dispatch.CompletionRate")
        .or().haveFullyQualifiedName("dev.ideogate.async.AlertThresholds")
        .or().haveFullyQualifiedName("dev.ideogate.async.WebhookUrlPolicy")
        .or().haveFullyQualifiedName("dev.ideogate.async.WebhookSignature")
        .should().dependOnClassesThat().resideInAPackage("io.vertx..")
        .check(MAIN);
  }

  /** The Redis client library is one package's business: the others speak Reply, LuaScript and PubSubConnection. */
  @Test
  void onlyTheRedisPackageTouchesTheRedisClient() {
    redisClientStaysInTheRedisPackage().check(MAIN);
  }

  static ArchRule redisClientStaysInTheRedisPackage() {
    return noClasses().that().resideOutsideOfPackage("dev.ideogate.redis..")
        .should().dependOnClassesThat().resideInAPackage("io.vertx.redis..");
  }

  /**
   * The wall clock is read by the composition root (Gateway.Options.clock()), the commands and the simulator, and
   * injected everywhere else as a {@code java.time.Clock}; {@code System.nanoTime()} for durations stays allowed.
   */
  @Test
  void onlyTheRootTheCommandsAndTheSimulatorReadTheWallClock() {
    wallClockStaysAtTheRoot().check(MAIN);
  }

  static ArchRule wallClockStaysAtTheRoot() {
    return classes().that().resideOutsideOfPackages("dev.ideogate", "dev.ideogate.cli..", "dev.ideogate.sim..")
        .should(notReadTheWallClock());
  }

  private static final List<String> WALL_CLOCK = List.of(
      "java.lang.System.currentTimeMillis", "java.time.Instant.now", "java.time.Clock.systemUTC",
      "java.time.Clock.systemDefaultZone", "java.time.LocalDate.now", "java.time.LocalDateTime.now",
      "java.time.LocalTime.now", "java.time.ZonedDateTime.now", "java.time.OffsetDateTime.now", "java.util.Date.<init>");

  private static ArchCondition<JavaClass> notReadTheWallClock() {
    return new ArchCondition<>("not read the wall clock (System.currentTimeMillis, Instant.now(), Clock.systemUTC, ...)") {
      @Override
      public void check(JavaClass javaClass, ConditionEvents events) {
        for (JavaAccess<?> access : javaClass.getAccessesFromSelf()) {
          // getFullName() is e.g. "java.time.Instant.now()": only the no-argument forms read the wall clock.
          if (WALL_CLOCK.contains(access.getTarget().getFullName().replace("()", ""))
              && access.getTarget().getFullName().endsWith("()")) {
            events.add(SimpleConditionEvent.violated(access, access.getDescription()));
          }
        }
      }
    };
  }

  /** A class outside the root that reads the wall clock and holds a raw Redis reply: both rules must turn red. */
  static final class PlantedViolation {
    long now() {
      return System.currentTimeMillis();
    }

    Object raw(io.vertx.redis.client.Response reply) {
      return reply;
    }
  }

  @Test
  void theRedisAndWallClockRulesCatchAPlantedViolation() {
    JavaClasses planted = new ClassFileImporter().importClasses(PlantedViolation.class);
    assertTrue(wallClockStaysAtTheRoot().evaluate(planted).hasViolation());
    assertTrue(redisClientStaysInTheRedisPackage().evaluate(planted).hasViolation());
  }
}
