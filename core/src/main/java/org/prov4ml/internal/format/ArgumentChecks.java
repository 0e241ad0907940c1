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

  /** A name that becomes a file or folder name (model names): letters, digits, {@code _ . -}. */
  public static String fileName(String name, String argument) {
    key(name, argument);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == ':' || c == ' ' || (c == '.' && (name.equals(".") || name.equals("..")))) {
        throw new IllegalArgumentException(argument + " '" + name + "' has the character '" + c
            + "', which cannot be part of a file name; use letters, digits, _ . or -");
      }
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
