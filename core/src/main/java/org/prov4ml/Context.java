package org.prov4ml;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The phase of an experiment a metric or artifact belongs to, as in prov4ml's {@code Context}.
 *
 * <p>Instances are canonical: {@code Context.of("TRAINING") == Context.TRAINING}, so the pipeline
 * compares and hashes them by identity on the hot path.
 */
public final class Context {

  private static final ConcurrentMap<String, Context> CANONICAL = new ConcurrentHashMap<>();

  /** Points and artifacts of training: batch loss, learning rate, the epochs' training metrics. */
  public static final Context TRAINING = of("TRAINING");
  /** Points of the validation at each epoch's end. */
  public static final Context VALIDATION = of("VALIDATION");
  /** Points of an evaluation outside training, on a test set. */
  public static final Context TESTING = of("TESTING");

  /**
   * Points that describe the process rather than the model (system metrics, prov4ml's own counters).
   * MLflow receives their keys unprefixed so that its system charts find them.
   */
  public static final Context SYSTEM = of("SYSTEM");

  private final String name;

  private Context(String name) {
    this.name = name;
  }

  /**
   * The context with this name; a custom one is created on first use.
   *
   * @param name letters, digits, {@code _} and {@code -}
   * @return the one instance of that name
   * @throws IllegalArgumentException when the name is blank or has characters other than letters,
   *     digits, {@code _} and {@code -} (it becomes part of file names)
   */
  public static Context of(String name) {
    Objects.requireNonNull(name, "context name must not be null");
    Context known = CANONICAL.get(name);
    if (known != null) {
      return known;
    }
    if (name.isBlank() || !name.chars().allMatch(Context::isNameChar)) {
      throw new IllegalArgumentException(
          "context name '" + name + "' is invalid: use letters, digits, '_' or '-'");
    }
    return CANONICAL.computeIfAbsent(name, Context::new);
  }

  private static boolean isNameChar(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '_' || c == '-';
  }

  /**
   * The name as given, e.g. {@code TRAINING}.
   *
   * @return the name, as in metric file names
   */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }
}
