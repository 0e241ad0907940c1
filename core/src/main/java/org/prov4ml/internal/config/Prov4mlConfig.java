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
import org.tinylog.Logger;

/**
 * prov4ml's configuration: each key from, in order of precedence, a system property, an
 * environment variable, the properties file named by {@code prov4ml.config}, or its default.
 *
 * <p>Every problem is named with the key, the value, where it came from and what is allowed: an
 * unknown {@code prov4ml.*} key (a typo would otherwise be silently ignored), a value of the wrong
 * kind, a switch of an instrumentation that does not exist. The command line refuses such a
 * configuration ({@link #load(Properties, Map, Path)}); a recording process, through the API as
 * under the agent, never fails for it ({@link #loadReporting}): each problem is one line, and the
 * key keeps its default.
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
          current = loadReporting(System.getProperties(), System.getenv(), null);
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
   * Loads from explicit sources, strictly: the command line's way, for which a setting that cannot
   * work is bad input.
   *
   * @param configFile a properties file that wins over {@code prov4ml.config} (the agent's
   *     {@code config=} argument), or {@code null}
   * @throws IllegalArgumentException listing every unknown key and bad value
   */
  public static Prov4mlConfig load(Properties systemProperties, Map<String, String> env, Path configFile) {
    Loaded loaded = read(systemProperties, env, configFile);
    if (!loaded.problems.isEmpty()) {
      // One line, since the command line prints it as its one line of error.
      throw new IllegalArgumentException("prov4ml configuration is invalid: " + String.join("; ",
          loaded.problems.stream().map(Problem::what).toList()));
    }
    return loaded.config;
  }

  /**
   * Loads from explicit sources for a recording process, the API's and the agent's one way: it
   * never throws. Each problem is one warning line, and its key keeps its default; a rank identity
   * that contradicts itself makes the process record as a single process (see {@link #read}).
   */
  public static Prov4mlConfig loadReporting(Properties systemProperties, Map<String, String> env, Path configFile) {
    Loaded loaded = read(systemProperties, env, configFile);
    for (Problem problem : loaded.problems) {
      Logger.warn("prov4ml: {}{}", problem.what, problem.instead);
    }
    return loaded.config;
  }

  /** A configuration with its bad values at their defaults, and what was wrong, one entry a problem. */
  record Loaded(Prov4mlConfig config, List<Problem> problems) {}

  /** What is wrong, and what a recording process does instead ({@code ""} when it only ignores it). */
  record Problem(String what, String instead) {
    Problem(String what) {
      this(what, "");
    }
  }

  /**
   * Reads every source; a bad value is a problem and its key keeps its default. The rank, world
   * size and run identity have no safe default of their own: a rank that is not a number, or one
   * not below the world size, means the launcher's picture of the job cannot be trusted, and a
   * process that guessed would write into another rank's files. Such a process records as a single
   * process (rank 0 of 1) without the job's run identity, in a run directory of its own.
   */
  static Loaded read(Properties systemProperties, Map<String, String> env, Path configFile) {
    List<Problem> problems = new ArrayList<>();
    Map<String, String> envByKey = fromEnvironment(env, problems);
    Map<String, String> sysByKey = fromSystemProperties(systemProperties);

    Source named = firstOf(ConfigKeys.CONFIG_FILE.name(), sysByKey, envByKey, Map.of());
    Path file = configFile;
    if (file == null && named != null) {
      try {
        file = ConfigKeys.CONFIG_FILE.parse(named.raw, named.describe(ConfigKeys.CONFIG_FILE, null));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(e.getMessage(), "; no configuration file is read"));
      }
    }
    Map<String, String> fileByKey = file == null ? Map.of() : fromFile(file, problems);
    Path fileRead = file;

    for (Map<String, String> layer : List.of(fileByKey, envByKey, sysByKey)) {
      layer.keySet().stream().filter(k -> !isKnown(k)).sorted().forEach(k ->
          problems.add(new Problem("unknown key " + k + " = '" + layer.get(k) + "' (from " + describe(layer,
              fileByKey, envByKey, fileRead) + "); known keys: " + knownKeysText(), "; it is ignored")));
    }

    Map<String, Object> values = new HashMap<>();
    List<String> rankProblems = new ArrayList<>();
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      if (key == ConfigKeys.CONFIG_FILE) {
        values.put(key.name(), file);
        continue;
      }
      Source s = firstOf(key.name(), sysByKey, envByKey, fileByKey);
      boolean identity = key == ConfigKeys.RANK || key == ConfigKeys.WORLD_SIZE;
      try {
        values.put(key.name(), s == null ? launcherDefault(key, env) : key.parse(s.raw, s.describe(key, file)));
      } catch (IllegalArgumentException e) {
        if (identity) {
          rankProblems.add(e.getMessage());
        } else {
          problems.add(new Problem(e.getMessage(), "; using the default" + defaultText(key, env)));
          values.put(key.name(), safeDefault(key, env));
        }
      }
    }
    Integer rank = (Integer) values.get(ConfigKeys.RANK.name());
    Integer worldSize = (Integer) values.get(ConfigKeys.WORLD_SIZE.name());
    if (rankProblems.isEmpty() && rank >= worldSize && worldSize > 1) {
      rankProblems.add("the rank " + rank + " is not below the world size " + worldSize + " ("
          + ConfigKeys.RANK.name() + " and " + ConfigKeys.WORLD_SIZE.name() + ", or the launcher's "
          + "RANK and WORLD_SIZE)");
    }
    if (!rankProblems.isEmpty()) {
      values.put(ConfigKeys.RANK.name(), 0);
      values.put(ConfigKeys.WORLD_SIZE.name(), 1);
      values.put(ConfigKeys.RUN_ID.name(), null);
      problems.add(new Problem(String.join("; ", rankProblems), "; this process records as a single process "
          + "(rank 0 of 1), without the job's run identity, in a run directory of its own"));
    }

    Map<String, Boolean> switches = new HashMap<>();
    for (Map<String, String> layer : List.of(fileByKey, envByKey, sysByKey)) {
      for (var entry : layer.entrySet()) {
        Matcher m = ConfigKeys.INSTRUMENT_SWITCH.matcher(entry.getKey());
        if (m.matches()) {
          String v = entry.getValue().trim();
          String from = describe(layer, fileByKey, envByKey, fileRead);
          if (!ConfigKeys.INSTRUMENTATIONS.contains(m.group(1))) {
            problems.add(new Problem(entry.getKey() + " names no instrumentation and is ignored (from " + from
                + "); the instrumentations are " + String.join(", ", ConfigKeys.INSTRUMENTATIONS)));
          } else if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            problems.add(new Problem(entry.getKey() + " = '" + entry.getValue() + "' (from " + from + ") is "
                + "invalid: expected true or false", "; using the default true"));
          } else {
            switches.put(m.group(1), Boolean.parseBoolean(v.toLowerCase(Locale.ROOT)));
          }
        }
      }
    }
    return new Loaded(new Prov4mlConfig(values, switches), List.copyOf(problems));
  }

  /**
   * A key's default; the launcher's rank, world size and run identity come from {@code env}, the
   * environment given, so that what is read is what is checked.
   */
  private static Object launcherDefault(ConfigKey<?> key, Map<String, String> env) {
    if (key == ConfigKeys.RANK) {
      return LauncherEnvironment.rank(env).orElse(0);
    }
    if (key == ConfigKeys.WORLD_SIZE) {
      return LauncherEnvironment.worldSize(env).orElse(1);
    }
    if (key == ConfigKeys.RUN_ID) {
      return LauncherEnvironment.runId(env).map(LauncherEnvironment.LaunchedRunId::runId).orElse(null);
    }
    return key.defaultValue();
  }

  /** The default of a key whose value was bad; for the launcher's keys, the launcher's value. */
  private static Object safeDefault(ConfigKey<?> key, Map<String, String> env) {
    try {
      return launcherDefault(key, env);
    } catch (IllegalArgumentException e) {
      return key.defaultValue();
    }
  }

  private static String defaultText(ConfigKey<?> key, Map<String, String> env) {
    Object value = safeDefault(key, env);
    return value == null ? " (none)" : " " + (value instanceof java.time.Duration d ? durationText(d)
        : value instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : value);
  }

  private static String durationText(java.time.Duration d) {
    return d.isZero() ? "0" : d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
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
  private static Map<String, String> fromEnvironment(Map<String, String> env, List<Problem> problems) {
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
        problems.add(new Problem("unknown environment variable " + var + " = '" + e.getValue() + "'; known: "
            + String.join(", ", ConfigKeys.ALL.stream().map(ConfigKey::envName).toList())
            + ", PROV4ML_INSTRUMENT_<NAME>_ENABLED", "; it is ignored"));
      } else {
        byKey.put(key, e.getValue());
      }
    }
    return byKey;
  }

  private static Map<String, String> fromFile(Path file, List<Problem> problems) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      props.load(in);
    } catch (IOException | IllegalArgumentException e) {
      // IllegalArgumentException: a malformed \\uXXXX escape in the file.
      problems.add(new Problem("prov4ml.config = '" + file + "': cannot read the configuration file "
          + file.toAbsolutePath() + " (" + reason(e) + ")", "; its settings are not applied"));
      return Map.of();
    }
    Map<String, String> byKey = new HashMap<>();
    for (String name : props.stringPropertyNames()) {
      byKey.put(name, props.getProperty(name));
    }
    return byKey;
  }

  /** The operating system's reason, without the name of an exception class. */
  private static String reason(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return "not text in the expected encoding";
    }
    return e.getMessage() == null ? "I/O error" : e.getMessage();
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
