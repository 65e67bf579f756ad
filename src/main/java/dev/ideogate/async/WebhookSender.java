package dev.ideogate.async;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one outbound HTTP call Ideogate makes to a client-given URL: a webhook POST (ARCHITECTURE.md §11). In a strict
 * environment ({@link WebhookUrlPolicy#strict}) the host is resolved here, every address it resolves to must pass
 * {@link WebhookUrlPolicy#addressRefusal(InetAddress)}, and the connection goes to the checked address itself
 * ({@link RequestOptions#setServer}); the URL's host still names the TLS peer and the {@code Host} header. So the
 * address actually connected is the address checked, after DNS, whatever the name resolves to later. Redirects are
 * not followed.
 */
public final class WebhookSender {
  /** A delivery the policy refuses to send: retrying cannot help. */
  public static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** Name resolution (blocking; run on a worker thread): the system resolver, or a test's hostile DNS. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws java.net.UnknownHostException;
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final Supplier<String> environment;
  private final Resolver resolver;

  public WebhookSender(Vertx vertx, long connectTimeoutMs, Supplier<String> environment) {
    this(vertx, connectTimeoutMs, environment, InetAddress::getAllByName);
  }

  public WebhookSender(Vertx vertx, long connectTimeoutMs, Supplier<String> environment, Resolver resolver) {
    this.vertx = vertx;
    this.environment = environment;
    this.resolver = resolver;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTrustAll(false)
        .setConnectTimeout((int) connectTimeoutMs));
  }

  /** POSTs {@code body}; the receiver's status, or a failed future ({@link Refused} when the address is not allowed). */
  public Future<Integer> post(String url, MultiMap headers, Buffer body, long timeoutMs) {
    String env = environment.get();
    Optional<String> refusal = WebhookUrlPolicy.refusal(url, env);
    if (refusal.isPresent()) {
      return Future.failedFuture(new Refused(refusal.get()));
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setHeaders(headers)
        .setFollowRedirects(false).setIdleTimeout(timeoutMs).setConnectTimeout(timeoutMs);
    if (!WebhookUrlPolicy.strict(env)) {
      return send(options, body);
    }
    URI uri = URI.create(url);
    int port = uri.getPort() > 0 ? uri.getPort() : 443;
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
        : uri.getHost();
    // an unresolvable name fails like an unreachable receiver: DNS may answer on a later attempt
    return vertx.<InetAddress[]>executeBlocking(() -> resolver.resolve(host), false)
        .compose(addresses -> {
          for (InetAddress address : addresses) {
            Optional<String> why = WebhookUrlPolicy.addressRefusal(address);
            if (why.isPresent()) {
              return Future.failedFuture(new Refused("webhook host " + host + " resolves to a non-public address ("
                  + why.get() + ")"));
            }
          }
          options.setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(addresses[0], port)));
          return send(options, body);
        });
  }

  private Future<Integer> send(RequestOptions options, Buffer body) {
    return client.request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(ignored -> response.statusCode()));
  }

  public Future<Void> close() {
    return client.close();
  }
}
