package dev.ideogate.cli;

import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** One line for a failure a user can fix (a busy port, a missing or unreadable file), never a stack trace. */
final class CliErrors {
  private CliErrors() {}

  static String oneLine(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException) {
        return "a port is already in use (" + message(cause) + "): stop what listens there or choose another port";
      }
      if (cause instanceof NoSuchFileException) {
        return "no such file: " + cause.getMessage();
      }
      if (cause instanceof AccessDeniedException) {
        return "cannot read " + cause.getMessage() + ": permission denied";
      }
    }
    Throwable root = error;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return message(root);
  }

  private static String message(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName()
        : message.lines().findFirst().orElse(message);
  }
}
