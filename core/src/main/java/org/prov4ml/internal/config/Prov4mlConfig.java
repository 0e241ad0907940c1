package org.prov4ml.internal.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;

/**
 * prov4ml's configuration: each key from, in order of precedence, a system property, an
 * environment variable, the properties file named by {@code prov4ml.config}, or its default.
 *
 * <p>Loading is strict: an unknown {@code prov4ml.*} key (a typo would otherwise be silently
 * ignored) or a value of the wrong kind fails with every problem listed, each naming the key, the
 * value, where it came from and what is allowed.
 */
public final class Prov4mlConfig {

  private final Map<String, Object> values;
  private final Map<String, Boolean> instrumentSwitches;

  private Prov4mlConfig(Map<String, Object> values, Map<String, Boolean> instrumentSwitches) {
    this.values = values;
    this.instrumentSwitches = instrumentSwitches;
  }

  /** The configuration runs of this JVM start with; see {@link #current()}. */
  private static volatile Prov4mlConfig current;

  /**
   * The configuration runs of this JVM start with: loaded on first use ({@link #load()}) unless
   * {@link #replace} set one.
   */
  public static Prov4mlConfig current() {
    Prov4mlConfig c = current;
    if (c == null) {
      synchronized (Prov4mlConfig.class) {
        if (current == null) {
          current = load();
        }
        c = current;
      }
    }
    return c;
  }

  /** Replaces the configuration runs started from now on take (the agent's {@code config=} file; tests). */
  public static void replace(Prov4mlConfig config) {
    if (config == null) {
      throw new NullPointerException("config must not be null");
    }
    current = config;
  }

  /** The configuration of this JVM: system properties, environment and the file they name. */
  public static Prov4mlConfig load() {
    return load(System.getProperties(), System.getenv(), null);
  }

  /**
   * Loads from explicit sources.
   *
   * @param configFile a properties file that wins over {@code prov4ml.config} (the agent's
   *     {@code config=} argument), or {@code null}
   * @throws IllegalArgumentException listing every unknown key and bad value
   */
  public static Prov4mlConfig load(Properties systemProperties, Map<String, String> env, Path configFile) {
    List<String> problems = new ArrayList<>();
    Map<String, String> envByKey = fromEnvironment(env, problems);
    Map<String, String> sysByKey = fromSystemProperties(systemProperties);

    Source named = firstOf(ConfigKeys.CONFIG_FILE.name(), sysByKey, envByKey, Map.of());
    Path file = configFile != null ? configFile : named == null ? null : Path.of(named.raw);
    Map<String, String> fileByKey = file == null ? Map.of() : fromFile(file, problems);

    for (Map<String, String> layer : List.of(fileByKey, envByKey, sysByKey)) {
      layer.keySet().stream().filter(k -> !isKnown(k)).sorted().forEach(k ->
          problems.add("unknown key " + k + " = '" + layer.get(k) + "' (from " + describe(layer, fileByKey,
              envByKey, file) + "); known keys: " + knownKeysText()));
    }

    Map<String, Object> values = new HashMap<>();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      Source s = firstOf(key.name(), sysByKey, envByKey, fileByKey);
      try {
        values.put(key.name(), s == null ? key.defaultValue() : key.parse(s.raw, s.describe(key, file)));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    Map<String, Boolean> switches = new HashMap<>();
    for (Map<String, String> layer : List.of(fileByKey, envByKey, sysByKey)) {
      for (var entry : layer.entrySet()) {
        Matcher m = ConfigKeys.INSTRUMENT_SWITCH.matcher(entry.getKey());
        if (m.matches()) {
          String v = entry.getValue().trim();
          if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            problems.add(entry.getKey() + " = '" + entry.getValue() + "' is invalid: expected true or false");
          } else {
            switches.put(m.group(1), Boolean.parseBoolean(v.toLowerCase(Locale.ROOT)));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      // One line, since the agent and the command line print it as their one line of error.
      throw new IllegalArgumentException("prov4ml configuration is invalid: " + String.join("; ", problems));
    }
    return new Prov4mlConfig(values, switches);
  }

  /** The value of {@code key}: set, or its default (which may be {@code null} for optional keys). */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    return (T) values.get(key.name());
  }

  /** Whether the agent's instrumentation {@code name} is on ({@code prov4ml.instrument.<name>.enabled}). */
  public boolean instrumentationEnabled(String name) {
    return instrumentSwitches.getOrDefault(name, true);
  }

  /** The instrumentation names the configuration switches ({@code prov4ml.instrument.<name>.enabled}). */
  public java.util.Set<String> instrumentationSwitches() {
    return java.util.Collections.unmodifiableSet(instrumentSwitches.keySet());
  }

  /** A copy with one value replaced, for tests and for the API's per-run options. */
  public <T> Prov4mlConfig with(ConfigKey<T> key, T value) {
    Map<String, Object> copy = new HashMap<>(values);
    copy.put(key.name(), value);
    return new Prov4mlConfig(copy, instrumentSwitches);
  }

  private static boolean isKnown(String key) {
    return ConfigKeys.ALL.stream().anyMatch(k -> k.name().equals(key))
        || ConfigKeys.INSTRUMENT_SWITCH.matcher(key).matches();
  }

  private static String knownKeysText() {
    return String.join(", ", ConfigKeys.ALL.stream().map(ConfigKey::name).toList())
        + ", prov4ml.instrument.<name>.enabled";
  }

  private static Map<String, String> fromSystemProperties(Properties props) {
    Map<String, String> byKey = new HashMap<>();
    for (String name : props.stringPropertyNames()) {
      if (name.startsWith("prov4ml.")) {
        byKey.put(name, props.getProperty(name));
      }
    }
    return byKey;
  }

  /** Maps {@code PROV4ML_BUFFER_SIZE} back to {@code prov4ml.buffer.size} through the known keys. */
  private static Map<String, String> fromEnvironment(Map<String, String> env, List<String> problems) {
    Map<String, String> byKey = new HashMap<>();
    for (var e : env.entrySet()) {
      String var = e.getKey();
      if (!var.startsWith("PROV4ML_")) {
        continue;
      }
      String key = ConfigKeys.ALL.stream().filter(k -> k.envName().equals(var)).map(ConfigKey::name)
          .findFirst().orElse(null);
      if (key == null && var.startsWith("PROV4ML_INSTRUMENT_") && var.endsWith("_ENABLED")) {
        String name = var.substring("PROV4ML_INSTRUMENT_".length(), var.length() - "_ENABLED".length());
        key = "prov4ml.instrument." + name.toLowerCase(Locale.ROOT).replace('_', '-') + ".enabled";
      }
      if (key == null) {
        problems.add("unknown environment variable " + var + " = '" + e.getValue() + "'; known: "
            + String.join(", ", ConfigKeys.ALL.stream().map(ConfigKey::envName).toList())
            + ", PROV4ML_INSTRUMENT_<NAME>_ENABLED");
      } else {
        byKey.put(key, e.getValue());
      }
    }
    return byKey;
  }

  private static Map<String, String> fromFile(Path file, List<String> problems) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      props.load(in);
    } catch (IOException e) {
      problems.add("cannot read configuration file " + file.toAbsolutePath() + ": " + e);
      return Map.of();
    }
    Map<String, String> byKey = new HashMap<>();
    for (String name : props.stringPropertyNames()) {
      byKey.put(name, props.getProperty(name));
    }
    return byKey;
  }

  private static String describe(Map<String, String> layer, Map<String, String> file, Map<String, String> env,
      Path configFile) {
    if (layer == file) {
      return "file " + configFile;
    }
    return layer == env ? "environment" : "system property";
  }

  private static Source firstOf(String key, Map<String, String> sys, Map<String, String> env,
      Map<String, String> file) {
    if (sys.containsKey(key)) {
      return new Source(sys.get(key), "system property");
    }
    if (env.containsKey(key)) {
      return new Source(env.get(key), "environment");
    }
    if (file.containsKey(key)) {
      return new Source(file.get(key), "file");
    }
    return null;
  }

  private record Source(String raw, String kind) {
    String describe(ConfigKey<?> key, Path file) {
      return switch (kind) {
        case "environment" -> "environment variable " + key.envName();
        case "file" -> "file " + file;
        default -> "system property " + key.name();
      };
    }
  }
}
