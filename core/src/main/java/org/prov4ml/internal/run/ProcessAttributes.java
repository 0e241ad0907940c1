package org.prov4ml.internal.run;

import static org.prov4ml.internal.format.ProvVocabulary.HOST;
import static org.prov4ml.internal.format.ProvVocabulary.JAVA_VERSION;
import static org.prov4ml.internal.format.ProvVocabulary.LOCAL_RANK;
import static org.prov4ml.internal.format.ProvVocabulary.MAIN_CLASS;
import static org.prov4ml.internal.format.ProvVocabulary.NODE;
import static org.prov4ml.internal.format.ProvVocabulary.NODE_RANK;
import static org.prov4ml.internal.format.ProvVocabulary.OPERATING_SYSTEM;
import static org.prov4ml.internal.format.ProvVocabulary.PID;
import static org.prov4ml.internal.format.ProvVocabulary.PROV4ML_VERSION;
import static org.prov4ml.internal.format.ProvVocabulary.TIME_ZONE;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TimeZone;
import org.prov4ml.internal.config.LauncherEnvironment;
import org.prov4ml.internal.config.Prov4mlVersion;

/**
 * The run activity's description of this process, as yProv4ML records the Python one, with the
 * node and the local rank its launcher gave it. It is the same for every run of the process, so it
 * is computed once; the agent computes it ahead, on its installer thread, because the host name
 * lookup and the time zone cost a cold JVM milliseconds that would otherwise be spent inside the
 * application's {@code Trainer} constructor.
 */
public final class ProcessAttributes {

  private ProcessAttributes() {}

  private static final class Holder {
    static final Map<String, String> ATTRIBUTES = compute();
  }

  public static Map<String, String> get() {
    return Holder.ATTRIBUTES;
  }

  private static Map<String, String> compute() {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(JAVA_VERSION, System.getProperty("java.version") + " ("
        + System.getProperty("java.vm.name") + ")");
    attributes.put(OPERATING_SYSTEM, System.getProperty("os.name") + " " + System.getProperty("os.version")
        + " " + System.getProperty("os.arch"));
    String host = hostName();
    attributes.put(HOST, host);
    Map<String, String> env = System.getenv();
    attributes.put(NODE, LauncherEnvironment.slurmNodeName(env).orElse(host));
    LauncherEnvironment.localRank(env).ifPresent(r -> attributes.put(LOCAL_RANK, Integer.toString(r)));
    LauncherEnvironment.nodeRank(env).ifPresent(r -> attributes.put(NODE_RANK, Integer.toString(r)));
    attributes.put(PID, Long.toString(ProcessHandle.current().pid()));
    attributes.put(TIME_ZONE, TimeZone.getDefault().getID());
    attributes.put(PROV4ML_VERSION, Prov4mlVersion.get());
    attributes.put(MAIN_CLASS, mainClass());
    return Collections.unmodifiableMap(attributes);
  }

  /** The program's main class or jar (MLflow's {@code mlflow.source.name}), from the launcher's command. */
  private static String mainClass() {
    String command = System.getProperty("sun.java.command", "").trim();
    return command.isEmpty() ? "unknown" : command.split("\\s+", 2)[0];
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
