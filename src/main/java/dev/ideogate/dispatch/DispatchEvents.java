package dev.ideogate.dispatch;

/** What the dispatcher tells the outside (metrics). Every method runs on the dispatcher's context; keep it cheap. */
public interface DispatchEvents {
  DispatchEvents NONE = new DispatchEvents() {};

  default void upstreamResponse(String lane, int status) {}

  /** One upstream attempt ended: its endpoint label, HTTP status (0 = no answer) and time from send to answer. */
  default void upstreamCall(String endpoint, int status, long durationNanos) {}

  default void retried(String lane) {}

  default void dequeued(String team, long queueWaitMs) {}
}
