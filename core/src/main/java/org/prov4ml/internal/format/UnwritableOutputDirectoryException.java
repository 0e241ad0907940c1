package org.prov4ml.internal.format;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * No run directory can be made in the output directory: it cannot be created, or nothing can be
 * created in it. The message is one line naming the directory and the operating system's reason.
 */
public final class UnwritableOutputDirectoryException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path outputDir;

  UnwritableOutputDirectoryException(Path outputDir, IOException cause) {
    super("cannot create a run directory in " + outputDir + ": " + OsReason.of(cause) + failedPath(outputDir, cause),
        cause);
    this.outputDir = outputDir;
  }

  private static String failedPath(Path outputDir, IOException cause) {
    if (cause instanceof FileSystemException f && f.getFile() != null && !Path.of(f.getFile()).equals(outputDir)) {
      return " (" + f.getFile() + ")";
    }
    return "";
  }

  public Path outputDir() {
    return outputDir;
  }
}
