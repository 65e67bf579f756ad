package dev.ideogate.upstream;

/**
 * A request that Ideogram would answer with 400: the message names the field and what is allowed, so the caller
 * can fix it. An expected rejection, so it carries no stack trace.
 */
public final class InvalidRequestException extends Exception {
  public InvalidRequestException(String message) {
    super(message, null, false, false);
  }
}
