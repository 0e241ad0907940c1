package org.prov4ml.internal.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Properties;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.djl.TrainerEvents;
import org.tinylog.Logger;

/**
 * What the agent instruments in DJL ({@link TrainerInstrumentation}, {@link EasyTrainInstrumentation},
 * {@link BaseModelInstrumentation}, {@link PtModelInstrumentation}, {@link EngineInstrumentation}), and the weaver of the enabled
 * hooks' advice ({@link AdviceWeaver}). Types are matched by name and advice classes are named, not
 * loaded, so instrumenting loads no DJL class; the advice is inlined (no class format change), so
 * DJL classes loaded before the weaver was ready (an agent attached late, DJL's engine) can be
 * retransformed.
 */
final class DjlInstrumentation {

  static final List<DjlHook> HOOKS = concat(TrainerInstrumentation.HOOKS, EasyTrainInstrumentation.HOOKS,
      BaseModelInstrumentation.HOOKS, PtModelInstrumentation.HOOKS, EngineInstrumentation.HOOKS);

  /** The class file the advice calls into, whose loader must be the one the DJL classes resolve it to. */
  private static final String AGENT_EVENTS = TrainerEvents.class.getName().replace('.', '/') + ".class";
  private static final String DJL_TRAINER = TrainerInstrumentation.TYPE.replace('.', '/') + ".class";

  private DjlInstrumentation() {}

  /** The advice of the hooks {@code config} leaves on, ready to weave. */
  static AdviceWeaver weaver(Prov4mlConfig config) {
    List<DjlHook> enabled = new ArrayList<>();
    Set<String> reported = new HashSet<>();
    for (DjlHook hook : HOOKS) {
      if (config.instrumentationEnabled(hook.name())) {
        enabled.add(hook);
      } else if (reported.add(hook.name())) { // one line per switch, which may cover several hooks
        Logger.info("prov4ml agent: instrumentation '{}' is off (prov4ml.instrument.{}.enabled=false)",
            hook.name(), hook.name());
      }
    }
    // A switch of another name was reported when the configuration was read (ConfigKeys.INSTRUMENTATIONS).
    return new AdviceWeaver(enabled, DjlInstrumentation.class.getClassLoader());
  }

  /**
   * Null when every hooked method is in the DJL classes {@code loader} holds, exactly once, with
   * the signature the advice expects; else what differs, e.g. {@code ai.djl.training.Trainer has no
   * step()}. Read from the class files, so no DJL class is loaded.
   */
  static String shapeMismatch(ClassLoader loader) {
    TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));
    List<String> differences = new ArrayList<>();
    for (DjlHook hook : HOOKS) {
      TypePool.Resolution resolution = pool.describe(hook.type());
      if (!resolution.isResolved()) {
        if (hook.optional()) {
          continue;
        }
        differences.add(hook.type() + " is missing");
        continue;
      }
      TypeDescription type = resolution.resolve();
      int matching = type.getDeclaredMethods().filter(hook.method()).size();
      if (matching != 1) {
        differences.add(hook.type() + " has " + (matching == 0 ? "no" : matching) + " public " + hook.signature());
      }
    }
    return differences.isEmpty() ? null : String.join("; ", differences);
  }

  /**
   * Null when the advice woven into the DJL classes of {@code loader} reaches the agent: its calls
   * resolve, from that loader, to the agent's own classes, which link against the same DJL. Else why
   * not. DJL in a class loader of its own (a launcher's nested jars, a plugin loader) is seen by the
   * agent's classes on the system class path only when that loader delegates both ways to it; compared
   * by the class files' locations, so no class is loaded.
   */
  static String agentUnreachable(ClassLoader loader) {
    ClassLoader agent = DjlInstrumentation.class.getClassLoader();
    if (loader == agent) {
      return null;
    }
    if (!sameLocation(loader.getResource(AGENT_EVENTS), agent.getResource(AGENT_EVENTS))) {
      return "its class loader (" + loader.getClass().getName() + ") does not see the agent's classes on the "
          + "system class path";
    }
    if (!sameLocation(loader.getResource(DJL_TRAINER), agent.getResource(DJL_TRAINER))) {
      return "its class loader (" + loader.getClass().getName() + ") holds DJL where the agent's classes on the "
          + "system class path cannot see it";
    }
    return null;
  }

  private static boolean sameLocation(URL a, URL b) {
    // By text: URL.equals may resolve host names.
    return a != null && b != null && a.toString().equals(b.toString());
  }

  /** The DJL release {@code loader} holds, as DJL itself tells it ({@code ai/djl/engine/api.properties}). */
  static String djlVersion(ClassLoader loader) {
    try (InputStream in = loader.getResourceAsStream("ai/djl/engine/api.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("djl_version");
        if (version != null && !version.isBlank()) {
          return version.trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through: the version is only for the message
    }
    return "(version unknown)";
  }

  @SafeVarargs
  private static List<DjlHook> concat(List<DjlHook>... lists) {
    List<DjlHook> all = new ArrayList<>();
    for (List<DjlHook> list : lists) {
      all.addAll(list);
    }
    return List.copyOf(all);
  }
}
