package dev.ideogate.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import dev.ideogate.async.Delivery;
import dev.ideogate.async.DeliveryQueue;
import dev.ideogate.config.GatewayConfig;
import dev.ideogate.policy.ClientKeys;
import dev.ideogate.testing.GatewayHarness;
import dev.ideogate.testing.Await;
import dev.ideogate.testing.Http;
import dev.ideogate.testing.RedisServer;
import dev.ideogate.testing.TestConfig;
import dev.ideogate.upstream.KeyFingerprint;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (headless Chromium driven by Selenium) against a running gateway with a real
 * Redis and the simulator: what an SRE and a team lead see and may do. Screenshots of every page land in
 * target/dashboard-screenshots/ for review.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
  private static final String ADMIN_KEY = "igk_dev_dashboardAdminKey0123456789abcdefXYZ";
  private static final String WEBHOOK_SECRET = "whsec-dashboard-test-0123456789abcdefghijkl";
  private static final MovableClock CLOCK = new MovableClock();
  private static RedisServer redis;
  private static GatewayHarness harness;
  private static Gateway gateway;
  private static Browser browser;
  private static HttpServer receiver;
  private static final Set<String> received = ConcurrentHashMap.newKeySet();
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private static String base;

  @BeforeAll
  static void start() {
    TestConfig.SECRETS.add(ADMIN_KEY);
    TestConfig.SECRETS.add(WEBHOOK_SECRET);
    redis = RedisServer.start();
    harness = GatewayHarness.fastSimulator();
    receiver = Await.await(harness.clientVertx.createHttpServer().requestHandler(request -> {
      received.add(String.valueOf(request.getHeader("Ideogate-Delivery-Id")));
      request.response().setStatusCode(200).end();
    }).listen(0, "127.0.0.1"));
    GatewayConfig config = TestConfig.upstream(harness.simulator.baseUrl())
        .redis(redis.url(), "keyPrefix: dash" + System.nanoTime())
        .budgets("timezone: Europe/Zurich")
        .team("alpha", "webhookSecret: \"" + WEBHOOK_SECRET + "\"")
        .team("beta", "dailyBudgetUsd: \"5\"", "monthlyBudgetUsd: \"50\"")
        .team("gamma")
        .top("adminKeys:\n  - { id: ops-admin, sha256: " + ClientKeys.sha256(ADMIN_KEY) + " }")
        .build();
    gateway = harness.start(config, new Gateway.Options(CLOCK, 2));
    base = "http://127.0.0.1:" + gateway.managementPort();
    browser = new Browser();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (receiver != null) {
      Await.await(receiver.close());
    }
    harness.close();
    redis.close();
  }

  @BeforeEach
  void signedOut() {
    browser.driver.get(base + "/dashboard/login");
    browser.driver.manage().deleteAllCookies();
  }

  @Test
  @Order(1)
  void anAdminSeesATeamsSpendRiseAfterAGenerateWithoutReloading() {
    signIn(ADMIN_KEY);
    waitFor(d -> d.getCurrentUrl().endsWith("/dashboard/overview"));
    assertEquals("$0.00", text("#team-beta .spent-day"));
    assertTrue(browser.driver.getPageSource().contains(KeyFingerprint.of(TestConfig.upstreamKey("beta"))),
        "every configured lane is listed, idle ones too");
    browser.driver.executeScript("window.notReloaded = true");

    Http.Reply generated = Await.await(harness.http.postJson(gateway.port(), "/generate",
        TestConfig.clientKey("beta"), Http.generate("a lighthouse at dusk", "V_2_TURBO", 2)));
    assertEquals(200, generated.status(), generated.toString());

    waitFor(d -> !"$0.00".equals(text("#team-beta .spent-day")));
    assertEquals(Boolean.TRUE, browser.driver.executeScript("return window.notReloaded === true"),
        "the figures changed in place: the page was not reloaded");
    assertTrue(text("#team-beta .spent-day").matches("\\$\\d+\\.\\d\\d"), text("#team-beta .spent-day"));
    assertEquals("2 / 2", text("#team-beta .images"));
    browser.screenshot("01-overview-admin");

    String spent = text("#team-beta .spent-day");
    browser.driver.findElement(By.linkText("beta")).click();
    waitFor(d -> d.getCurrentUrl().endsWith("/dashboard/teams/beta"));
    assertEquals(spent, text(".summary .spent-day"));
    assertEquals(1, browser.driver.findElements(By.cssSelector("svg.chart")).size());
    assertTrue(browser.driver.getPageSource().contains("Not recorded"), "says honestly that spend by model is not kept");
    browser.screenshot("02-team-beta-admin");
  }

  @Test
  @Order(2)
  void anAdminRevokesAKeyAndTheNextApiRequestWithItIsRefused() throws Exception {
    signIn(TestConfig.clientKey("gamma"));
    waitFor(d -> d.getCurrentUrl().endsWith("/dashboard/teams/gamma"));
    Cookie gammaSession = browser.driver.manage().getCookieNamed(Dashboard.COOKIE);
    assertTrue(gammaSession.isHttpOnly());
    assertEquals("Strict", gammaSession.getSameSite());
    browser.driver.manage().deleteAllCookies();

    signIn(ADMIN_KEY);
    waitFor(d -> d.getCurrentUrl().endsWith("/dashboard/overview"));
    Cookie adminSession = browser.driver.manage().getCookieNamed(Dashboard.COOKIE);
    assertEquals(403, status("POST", "/dashboard/keys/alpha-key/revoke", adminSession),
        "a POST without the session's CSRF token is refused");
    assertEquals(200, apiStatus("alpha"));
    browser.driver.get(base + "/dashboard/keys");
    assertEquals(200, apiStatus("gamma"));
    browser.screenshot("03-keys");

    browser.driver.findElement(By.linkText("Revoke gamma-key…")).click();
    waitFor(d -> d.getCurrentUrl().endsWith("/dashboard/keys/gamma-key/revoke"));
    browser.screenshot("04-revoke-confirm");
    browser.driver.findElement(By.cssSelector("main button.danger")).click();

    waitFor(d -> !d.findElements(By.cssSelector(".notice")).isEmpty());
    assertTrue(text(".notice").contains("gamma-key is revoked"), text(".notice"));
    assertEquals("revoked", text("#key-gamma-key .state"));
    browser.screenshot("05-keys-after-revoke");

    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (apiStatus("gamma") != 401) {
      assertTrue(System.nanoTime() < deadline, "the revoked key still works after 3 s");
      Thread.sleep(20);
    }
    assertEquals(200, apiStatus("alpha"), "only that key is refused");
    assertEquals(303, status("GET", "/dashboard/teams/gamma", gammaSession),
        "the revoked key's dashboard session has ended");
  }

  @Test
  @Order(3)
  void aTeamKeySeesItsOwnTeamAndNoTraceOfAnother() {
    signIn(TestConfig.clientKey("alpha"));
    waitFor(d -> d.getCurrentUrl().endsWith("/dashboard/teams/alpha"));
    assertEquals("Team alpha · Ideogate", browser.driver.getTitle());
    assertNoOtherTeam();
    browser.screenshot("06-team-alpha-lead");

    Cookie session = browser.driver.manage().getCookieNamed(Dashboard.COOKIE);
    for (String path : List.of("/dashboard/teams/beta", "/dashboard/teams/no-such-team")) {
      browser.driver.get(base + path);
      assertEquals("Not found · Ideogate", browser.driver.getTitle(), path);
      assertNoOtherTeam();
      assertEquals(404, status("GET", path, session), path);
    }
    browser.screenshot("07-other-team-not-found");
    for (String path : List.of("/dashboard/overview", "/dashboard/keys", "/dashboard/webhooks")) {
      browser.driver.get(base + path);
      assertEquals("Admins only · Ideogate", browser.driver.getTitle(), path);
      assertNoOtherTeam();
      assertEquals(403, status("GET", path, session), path);
    }
  }

  @Test
  @Order(4)
  void anAdminRetriesADeadLetterAndItIsDelivered() {
    String receiverUrl = "http://127.0.0.1:" + receiver.actualPort() + "/hook";
    Delivery third = Delivery.first("dlv_gen_dashboard1", "alpha", receiverUrl, "generation.completed",
        "{\"status\":\"completed\"}", CLOCK.millis()).next().next();
    // a dead letter as the worker leaves it after its last failed attempt
    Await.await(gateway.async().deliveries().deadLetter(new DeliveryQueue.Taken(third, "0-1"),
        "receiver answered 500"));

    signIn(ADMIN_KEY);
    waitFor(d -> d.getCurrentUrl().endsWith("/dashboard/overview"));
    browser.driver.get(base + "/dashboard/webhooks");
    assertEquals("1", text(".dead-count"));
    assertTrue(text("#dead-dlv_gen_dashboard1").contains("receiver answered 500"));
    browser.screenshot("08-webhooks-dead-letter");

    browser.driver.findElement(By.xpath("//button[text()='Retry dlv_gen_dashboard1']")).click();
    waitFor(d -> !d.findElements(By.cssSelector(".notice")).isEmpty());
    assertTrue(text(".notice").contains("queued again"), text(".notice"));
    waitFor(d -> received.contains("dlv_gen_dashboard1"));
    browser.driver.navigate().refresh();
    assertEquals("0", text(".dead-count"));
    browser.screenshot("09-webhooks-after-retry");
  }

  @Test
  @Order(5)
  void aWrongKeyAndAnExpiredSessionGetTheSignInPage() {
    String wrong = "igk_dev_notAKeyOfThisGateway0123456789abcdefgh";
    signIn(wrong);
    // the refused sign-in answers with the same page title: wait for its error, not for the page the click left
    waitFor(d -> !d.findElements(By.cssSelector(".error")).isEmpty());
    assertEquals("Sign in · Ideogate", browser.driver.getTitle());
    assertTrue(text(".error").contains("not accepted"));
    assertFalse(browser.driver.getPageSource().contains(wrong), "the key never reaches a page");
    assertFalse(browser.driver.getCurrentUrl().contains("igk_"), "nor a URL");
    browser.screenshot("10-sign-in-refused");

    signIn(TestConfig.clientKey("alpha"));
    waitFor(d -> d.getCurrentUrl().endsWith("/dashboard/teams/alpha"));
    CLOCK.advance(dev.ideogate.policy.SessionStore.IDLE.plusMinutes(1));

    // no reload by the test: the page's own live refresh finds the session gone and goes to the sign-in page
    waitFor(d -> d.getCurrentUrl().endsWith("/dashboard/login"));
    assertEquals("Sign in · Ideogate", browser.driver.getTitle());
    browser.screenshot("11-session-expired");
  }

  private void signIn(String key) {
    browser.driver.get(base + "/dashboard/login");
    browser.driver.findElement(By.id("key")).sendKeys(key);
    browser.driver.findElement(By.cssSelector("form.login button[type=submit]")).click();
  }

  private static String text(String css) {
    return browser.driver.findElement(By.cssSelector(css)).getText();
  }

  private static void waitFor(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
    new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(condition::apply);
  }

  private static void assertNoOtherTeam() {
    String page = browser.driver.getPageSource();
    for (String trace : List.of("beta", "gamma", "ops-admin", KeyFingerprint.of(TestConfig.upstreamKey("beta")),
        KeyFingerprint.of(TestConfig.upstreamKey("gamma")))) {
      assertFalse(page.contains(trace), "a team lead's page shows " + trace);
    }
    assertNotEquals("", page);
  }

  private static int apiStatus(String team) {
    return Await.await(harness.http.get(gateway.port(), "/v1/usage", TestConfig.clientKey(team))).status();
  }

  /** The status of a request with that session cookie, redirects not followed. */
  private static int status(String method, String path, Cookie session) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
        .header("Cookie", session.getName() + "=" + session.getValue())
        .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("confirm=yes")
            : HttpRequest.BodyPublishers.noBody())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
