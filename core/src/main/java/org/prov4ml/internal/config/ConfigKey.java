package org.prov4ml.internal.config;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One configuration key: its name, how a raw string becomes a value, and its default.
 *
 * <p>All keys live in {@link ConfigKeys}; a key's environment variable is its name in upper case
 * with dots and dashes as underscores ({@code prov4ml.buffer.size} is {@code PROV4ML_BUFFER_SIZE}).
 *
 * @param <T> the value's type
 */
public final class ConfigKey<T> {

  private final String name;
  private final Function<String, T> parser;
  private final String allowed;
  private final Supplier<T> defaultValue;
  private final String description;

  ConfigKey(String name, ValueParser<T> parser, Supplier<T> defaultValue, String description) {
    this.name = Objects.requireNonNull(name);
    this.parser = parser.parse();
    this.allowed = parser.allowed();
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String name() {
    return name;
  }

  /** The environment variable that sets this key. */
  public String envName() {
    return envNameOf(name);
  }

  /** What a valid value looks like, for error messages and the README table. */
  public String allowed() {
    return allowed;
  }

  public String description() {
    return description;
  }

  /** The default, which may be {@code null} when the key is optional. */
  T defaultValue() {
    return defaultValue.get();
  }

  /**
   * Parses a raw value.
   *
   * @throws IllegalArgumentException naming the key, the value and what is allowed
   */
  T parse(String raw, String source) {
    try {
      return parser.apply(raw.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          name + " = '" + raw + "' (from " + source + ") is invalid: expected " + allowed, e);
    }
  }

  /**
   * Whether {@code value}, exactly as given (not trimmed), is one this key takes: for a value that comes back from
   * a run directory, which must be checked as the writer checked it before it is used again.
   */
  public boolean accepts(String value) {
    if (value == null || !value.equals(value.trim())) {
      return false;
    }
    try {
      parser.apply(value);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  static String envNameOf(String key) {
    return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  @Override
  public String toString() {
    return name;
  }

  /** A parser together with a human description of what it accepts. */
  record ValueParser<T>(Function<String, T> parse, String allowed) {}
}
