package dev.ideogate.ops;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Standard output through a 64 KiB buffer, flushed by whoever drives it (logback.xml: the ring-buffer appender
 * flushes it at the end of every batch, so a burst of lines costs one write). logback's {@code ConsoleAppender}
 * cannot buffer: {@code System.out} flushes on every line. It writes to the process's own descriptor 1, sharing its
 * file offset with {@code System.out}, so a redirect to a file ({@code > gateway.log}) interleaves the two instead
 * of one overwriting the other; and stopping it flushes but never closes standard output (ARCHITECTURE.md §9).
 */
public final class StdoutAppender<E> extends OutputStreamAppender<E> {
  private static final int BUFFER_BYTES = 64 * 1024;

  @Override
  public void start() {
    OutputStream stdout = new FilterOutputStream(new FileOutputStream(FileDescriptor.out)) {
      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length); // FilterOutputStream would write byte by byte
      }

      @Override
      public void close() throws IOException {
        flush(); // descriptor 1 outlives the appender
      }
    };
    setOutputStream(new BufferedOutputStream(stdout, BUFFER_BYTES));
    super.start();
  }
}
