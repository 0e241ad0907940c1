package org.prov4ml.it.bench;

import ai.djl.engine.Engine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.prov4ml.Prov4ml;
import org.prov4ml.Run;
import org.prov4ml.RunOptions;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.inputs.ClassPathBom;
import org.prov4ml.internal.inputs.EnvironmentParams;
import org.prov4ml.internal.inputs.ExecutionCommand;
import org.prov4ml.internal.run.TrainingInputs;

/**
 * What recording a run's code and environment costs, piece by piece, in a cold JVM (the agent's
 * case: each piece runs once per run): the CPU time of this thread for listing the class path,
 * hashing its jars, CycloneDX's JSON, the command line and the environment; then what a trainer's
 * start costs the training thread ({@code TrainingInputs.trainerStarted}, everything else queued for
 * the background) and how long the run's end then waits for the background.
 *
 * <pre>
 * java -cp integration-tests/target/prov4ml-demo.jar:agent/target/prov4ml.jar org.prov4ml.it.bench.LineageCost
 * </pre>
 */
public final class LineageCost {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private LineageCost() {}

  public static void main(String[] args) throws Exception {
    long t = cpu();
    List<Path> jars = ClassPathBom.jarsOf(System.getProperty("java.class.path"));
    long listed = cpu();
    List<ClassPathBom.Jar> described = new ArrayList<>();
    long bytes = 0;
    for (Path jar : jars) {
      described.add(ClassPathBom.describe(jar));
      bytes += Files.size(jar);
    }
    long hashed = cpu();
    String json = ClassPathBom.json(described);
    long bom = cpu();
    ExecutionCommand.ofThisJvm();
    long command = cpu();
    EnvironmentParams.ofProcess(System.getenv(), System.getProperties());
    long environment = cpu();
    System.out.printf(Locale.ROOT, "class path: %d jars, %.1f MB; CPU ms: listing %.1f, reading and hashing %.1f, "
        + "CycloneDX JSON (%d chars) %.1f, command line %.1f, environment %.1f%n", jars.size(), bytes / 1e6,
        ms(listed - t), ms(hashed - listed), json.length(), ms(bom - hashed), ms(command - bom),
        ms(environment - command));

    Engine engine = Engine.getInstance(); // loaded, as it is when a trainer starts
    Path out = Files.createTempDirectory("prov4ml-lineage-cost");
    Run run = Prov4ml.startRun(RunOptions.builder().experimentName("cost").outputDir(out).build());
    long before = cpu();
    long wallBefore = System.nanoTime();
    TrainingInputs.trainerStarted(run, engine, Prov4mlConfig.load(new Properties(), System.getenv(), null));
    long onCaller = cpu() - before;
    long callerWall = System.nanoTime() - wallBefore;
    long endStart = System.nanoTime();
    run.close();
    System.out.printf(Locale.ROOT, "trainer start, on the training thread: CPU %.2f ms, wall %.2f ms; the run's "
        + "end then waited %.0f ms for the background%n", ms(onCaller), ms(callerWall),
        ms(System.nanoTime() - endStart));
  }

  private static long cpu() {
    return THREADS.getCurrentThreadCpuTime();
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
