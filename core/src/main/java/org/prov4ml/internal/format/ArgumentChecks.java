package org.prov4ml.internal.format;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checks of every public call's arguments. A failure names the argument and the value, so
 * the stack trace points at the caller's line and the message says what to change.
 */
public final class ArgumentChecks {

  /** MLflow's limit on metric, param and tag keys. */
  public static final int MAX_KEY_LENGTH = 250;

  private ArgumentChecks() {}

  /**
   * A metric or param key: non-blank, at most 250 characters of {@code [A-Za-z0-9_ ./:-]}, the
   * characters MLflow accepts in keys.
   */
  public static String key(String key, String argument) {
    nonBlank(key, argument);
    if (key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(argument + " is " + key.length() + " characters long, at most "
          + MAX_KEY_LENGTH + " are allowed: '" + key.substring(0, 40) + "...'");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!isKeyChar(c)) {
        throw new IllegalArgumentException(argument + " '" + key + "' has the character '" + c + "' at index "
            + i + "; allowed are letters, digits and _ . / : - and space");
      }
    }
    return key;
  }

  /**
   * Most UTF-8 bytes of a model or data set name. It becomes a folder and the start of file names
   * ({@code <name>_summary.txt}, {@code <name>-<step>.params}), which the file system stops at 255
   * bytes; the rest is left for what the writer appends.
   */
  public static final int MAX_FILE_NAME_BYTES = 200;

  /** A name that becomes a file or folder name (model names): letters, digits, {@code _ . -}. */
  public static String fileName(String name, String argument) {
    return fileName(name, argument, MAX_FILE_NAME_BYTES);
  }

  /**
   * An experiment name. It is the start of the run directory's name and of its documents'
   * ({@code prov_<experiment>_GR<rank>_<run id>.json}, the run id up to 100 characters), so it is
   * shorter than other names.
   */
  public static String experimentName(String name, String argument) {
    return fileName(name, argument, org.prov4ml.internal.config.ConfigKeys.MAX_EXPERIMENT_NAME_BYTES);
  }

  private static String fileName(String name, String argument, int maxBytes) {
    nonBlank(name, argument);
    String allowed = "allowed are letters, digits, _ . and -, at most " + maxBytes + " bytes, and not . or .. alone";
    if (name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(argument + " '" + name + "' cannot be a file name; " + allowed);
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isKeyChar(c) || c == '/' || c == ':' || c == ' ') {
        throw new IllegalArgumentException(argument + " '" + name + "' has the character '" + c + "' at index " + i
            + ", which cannot be part of a file name; " + allowed);
      }
    }
    int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > maxBytes) {
      throw new IllegalArgumentException(argument + " is " + bytes + " bytes long, too long for the file names "
          + "it becomes: '" + name.substring(0, 40) + "...'; " + allowed);
    }
    return name;
  }

  /** A run identity: 1 to 100 letters, digits, {@code . _ -} (it becomes part of file names). */
  public static String runId(String runId, String argument) {
    notNull(runId, argument);
    if (!org.prov4ml.internal.config.LauncherEnvironment.RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException(argument + " '" + runId + "' is not a run id: use 1 to 100 letters, "
          + "digits, '.', '_' or '-'");
    }
    return runId;
  }

  /** A non-null argument; the check allocates nothing unless it fails (no capturing lambda). */
  public static <T> T notNull(T value, String argument) {
    if (value == null) {
      throw new NullPointerException(argument + " must not be null");
    }
    return value;
  }

  public static String nonBlank(String value, String argument) {
    notNull(value, argument);
    if (value.isBlank()) {
      throw new IllegalArgumentException(argument + " must not be blank, got '" + value + "'");
    }
    return value;
  }

  /** An existing file or directory. */
  public static Path existing(Path path, String argument) {
    notNull(path, argument);
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(argument + " '" + path + "' does not exist (resolved to "
          + path.toAbsolutePath() + ")");
    }
    return path;
  }

  public static long nonNegative(long value, String argument) {
    if (value < 0) {
      throw new IllegalArgumentException(argument + " must be >= 0, got " + value);
    }
    return value;
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == ' ' || c == '.' || c == '/' || c == ':' || c == '-';
  }
}
