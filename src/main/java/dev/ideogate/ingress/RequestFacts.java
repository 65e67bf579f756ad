package dev.ideogate.ingress;

import dev.ideogate.upstream.ImageRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * What the handlers of one request learn on its way (who sent it, what it asked, what it cost, how it ended), kept
 * in one typed object on the {@link RoutingContext} for the end-of-request observer (metrics and audit,
 * {@link RequestObserver}). Handlers set fields; only the observer reads them. One request runs on one event loop,
 * so plain fields suffice.
 */
public final class RequestFacts {
  private static final String KEY = RequestFacts.class.getName();

  private final long startedNanos = System.nanoTime();
  private String team;
  private String clientKeyId;
  private String errorCode;
  private ImageRequest imageRequest;
  private Integer upstreamStatus;
  private Long queueWaitMs;
  private long costMicroUsd;
  private int images;

  private RequestFacts() {}

  /** The facts of this request, created on first use. */
  public static RequestFacts of(RoutingContext ctx) {
    RequestFacts facts = ctx.get(KEY);
    if (facts == null) {
      facts = new RequestFacts();
      ctx.put(KEY, facts);
    }
    return facts;
  }

  void authenticated(String team, String clientKeyId) {
    this.team = team;
    this.clientKeyId = clientKeyId;
  }

  void failed(String errorCode) {
    this.errorCode = errorCode;
  }

  void parsed(ImageRequest request) {
    this.imageRequest = request;
  }

  void dispatched(int upstreamStatus, long queueWaitMs) {
    this.upstreamStatus = upstreamStatus;
    this.queueWaitMs = queueWaitMs;
  }

  void charged(long costMicroUsd, int images) {
    this.costMicroUsd = costMicroUsd;
    this.images = images;
  }

  long startedNanos() {
    return startedNanos;
  }

  String team() {
    return team;
  }

  String clientKeyId() {
    return clientKeyId;
  }

  String errorCode() {
    return errorCode;
  }

  ImageRequest imageRequest() {
    return imageRequest;
  }

  Integer upstreamStatus() {
    return upstreamStatus;
  }

  Long queueWaitMs() {
    return queueWaitMs;
  }

  long costMicroUsd() {
    return costMicroUsd;
  }

  int images() {
    return images;
  }
}
