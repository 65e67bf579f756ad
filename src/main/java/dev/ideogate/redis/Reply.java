package dev.ideogate.redis;

import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;

/**
 * One Redis reply, read without the client library's types: the layers above {@code redis} never import
 * {@code io.vertx.redis} (ARCHITECTURE.md §2, checked by ArchitectureTest). A nil reply (or a nil element) is a
 * {@code Reply} whose {@link #isNil()} is true; its {@code as...} readers return the given default or null.
 */
public final class Reply {
  private static final Reply NIL = new Reply(null);

  private final Response response;

  private Reply(Response response) {
    this.response = response;
  }

  static Reply of(Response response) {
    return response == null ? NIL : new Reply(response);
  }

  public boolean isNil() {
    return response == null;
  }

  /** The integer (or numeric bulk string) reply; 0 when nil. */
  public long asLong() {
    if (response == null) {
      return 0;
    }
    return response.type() == ResponseType.BULK ? Long.parseLong(response.toString()) : response.toLong();
  }

  public int asInt() {
    return response == null ? 0 : response.toInteger();
  }

  /** The reply as text; null when nil. */
  public String asString() {
    return response == null ? null : response.toString();
  }

  /** Element {@code index} of an array reply; nil when absent. */
  public Reply get(int index) {
    return response == null || index >= response.size() ? NIL : of(response.get(index));
  }

  /** Field {@code name} of a map reply (RESP3); nil when absent. */
  public Reply get(String name) {
    return response == null || !response.isMap() ? NIL : of(response.get(name));
  }

  public boolean isMap() {
    return response != null && response.isMap();
  }

  /** Elements of an array reply (empty when nil). */
  public int size() {
    return response == null ? 0 : response.size();
  }

  public List<Reply> asList() {
    List<Reply> items = new ArrayList<>(size());
    if (response != null) {
      for (Response item : response) {
        items.add(of(item));
      }
    }
    return items;
  }

  /** Elements of an array reply as text (nil elements as null). */
  public List<String> asStrings() {
    List<String> items = new ArrayList<>(size());
    if (response != null) {
      for (Response item : response) {
        items.add(item == null ? null : item.toString());
      }
    }
    return items;
  }

  @Override
  public String toString() {
    return response == null ? "nil" : response.toString();
  }
}
