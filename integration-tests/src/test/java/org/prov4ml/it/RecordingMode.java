package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.prov4ml.it.apps.DemoApp;
import org.prov4ml.it.apps.ListenerOption;

/**
 * How the shared suite ({@link TrainingRecordingSuite}) has an application recorded: by the
 * training listener the application adds itself, or by the agent, on the DJL the build uses or on
 * the oldest DJL the agent supports. What only the agent sees ({@code fit}, test evaluations,
 * model saves) the suite asks the mode.
 */
enum RecordingMode {

  /** The app adds {@code Prov4mlTrainingListener} (prov4ml-core and its dependencies on the class path); no agent. */
  LISTENER(false, null),
  /** {@code -javaagent:prov4ml.jar}, the DJL of the build. */
  AGENT(true, null),
  /** {@code -javaagent:prov4ml.jar}, the oldest DJL the agent supports (its class path built by the pom). */
  AGENT_ON_OLDEST_DJL(true, System.getProperty("prov4ml.it.oldest-djl", "0.33.0"));

  private final boolean agent;
  private final String djlVersion;

  RecordingMode(boolean agent, String djlVersion) {
    this.agent = agent;
    this.djlVersion = djlVersion;
  }

  /** The DJL release the app runs on in this mode. */
  String djlRelease() {
    return djlVersion != null ? djlVersion : System.getProperty("prov4ml.it.djl", "0.36.0");
  }

  /** The PyTorch release of that DJL's engine. */
  String pytorchRelease() {
    return djlVersion != null ? System.getProperty("prov4ml.it.oldest-pytorch", "2.5.1")
        : System.getProperty("prov4ml.it.pytorch", "2.7.1");
  }

  /** Whether the app runs as {@code java -jar prov4ml-demo.jar} (its code a jar), not from classes. */
  boolean runsDemoJar() {
    return this == AGENT;
  }

  /** Whether {@code EasyTrain.fit}'s epochs and data sets, test evaluations and model saves are recorded. */
  boolean seesCallsListenersDoNot() {
    return agent;
  }

  /** A JVM for an app of this module, with its class path, recorded in this mode. */
  ForkedApp fork(Path work) {
    ForkedApp app = new ForkedApp(work);
    if (djlVersion != null) {
      app.appClassPath(ForkedApp.TARGET.resolve("djl-" + djlVersion));
      // So that the test can tell which DJL's classes ran.
      app.jvmOption("-Xlog:class+load=info:file=" + work.resolve("djl-classes.txt"));
    } else {
      app.appClassPath();
    }
    if (!agent) {
      app.withoutAgent().appendClassPath(ForkedApp.TARGET.resolve("listener-lib") + File.separator + "*")
          .property(ListenerOption.PROPERTY, "true");
    }
    return app;
  }

  /**
   * Runs the demo: under the agent on the build's DJL as a user would, {@code java -jar prov4ml-demo.jar};
   * otherwise its main class on this mode's class path.
   */
  ForkedApp.Result runDemo(ForkedApp app, String... args) throws IOException, InterruptedException {
    return runsDemoJar() ? app.runJar(ForkedApp.DEMO_JAR, args) : app.runMain(DemoApp.class, args);
  }

  /** Checks that the app ran on this mode's DJL. */
  void checkDjl(ForkedApp.Result result) throws IOException {
    if (djlVersion == null) {
      return;
    }
    try (Stream<String> lines = Files.lines(result.workDir().resolve("djl-classes.txt"))) {
      assertTrue(lines.anyMatch(l -> l.contains(" ai.djl.training.Trainer ")
          && l.contains("api-" + djlVersion + ".jar")), "ai.djl.training.Trainer was not loaded from DJL " + djlVersion);
    }
  }
}
