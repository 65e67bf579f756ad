package dev.ideogate.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ideogate.Gateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** The dashboard over plain HTTP, as a browser without scripts sees it: sign in on the form, read pages by cookie. */
final class DashboardHttp {
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private DashboardHttp() {}

  /** Signs in on that replica's form; the session cookie as a {@code Cookie} header value. */
  static String signIn(Gateway replica, String key) {
    HttpResponse<String> reply = postSignIn(replica, key);
    assertEquals(303, reply.statusCode(), reply.body());
    String setCookie = reply.headers().firstValue("Set-Cookie").orElse("");
    assertTrue(setCookie.startsWith(Dashboard.COOKIE + "="), setCookie);
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  static HttpResponse<String> postSignIn(Gateway replica, String key) {
    return send(HttpRequest.newBuilder(uri(replica, "/dashboard/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("key=" + URLEncoder.encode(key, StandardCharsets.UTF_8))));
  }

  /** That page with that cookie, redirects not followed. */
  static HttpResponse<String> page(Gateway replica, String path, String cookie) {
    return send(HttpRequest.newBuilder(uri(replica, path)).header("Cookie", cookie).GET());
  }

  private static URI uri(Gateway replica, String path) {
    return URI.create("http://127.0.0.1:" + replica.managementPort() + path);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
