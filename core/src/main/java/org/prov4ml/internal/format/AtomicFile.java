package org.prov4ml.internal.format;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file written whole or not at all: the content goes to a temporary file beside the target, which is then
 * renamed over it, so a reader (another process, a {@code kill -9} in between) sees the old file or the new one,
 * never half of one. On failure the temporary file is removed and the target is left as it was. Every file of a
 * run directory that is replaced rather than appended (documents, manifests, the upload cursor, the bill of
 * materials, the job's document) and every report is written through here.
 */
public final class AtomicFile {

  /** What a temporary file's name ends with; a reader may meet one left by a process that died mid-write. */
  public static final String TEMPORARY_SUFFIX = ".tmp";

  private static final AtomicLong SHARED_WRITES = new AtomicLong();

  private AtomicFile() {}

  /** Writes the content of a file to a stream, which {@link AtomicFile} opens, buffers and closes. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Replaces {@code target} with {@code content}, through {@code <target>.tmp}: for a file one writer owns. */
  public static void write(Path target, Content content) throws IOException {
    write(target, target.resolveSibling(target.getFileName() + TEMPORARY_SUFFIX), content);
  }

  /**
   * {@link #write}, for a file that several processes may replace at once (a cache shared by runs): each writes
   * through a temporary file of its own, and the last rename wins whole.
   */
  public static void writeShared(Path target, Content content) throws IOException {
    write(target, target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + "-"
        + SHARED_WRITES.incrementAndGet() + TEMPORARY_SUFFIX), content);
  }

  private static void write(Path target, Path temporary, Content content) throws IOException {
    // A temporary file left behind, or a link planted under its name, is removed and the file created new:
    // CREATE_NEW never follows a link, so nothing is written through one out of the directory.
    Files.deleteIfExists(temporary);
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE), 1 << 16)) {
        content.writeTo(out);
      }
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        // A file system without atomic renames (some network mounts): the replace is then not atomic.
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temporary); // a full disk keeps no half file
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }
}
