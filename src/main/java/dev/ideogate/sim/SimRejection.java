package dev.ideogate.sim;

import io.vertx.core.json.JsonObject;

/** An answer other than success, decided before any simulated work: a status and Ideogram's JSON body. */
final class SimRejection extends RuntimeException {
  final int status;
  final JsonObject body;

  SimRejection(int status, JsonObject body) {
    super(body.getString("error"), null, false, false);
    this.status = status;
    this.body = body;
  }

  static SimRejection of(int status, String error) {
    return new SimRejection(status, new JsonObject().put("error", error));
  }
}
