package org.prov4ml.internal.run;

import static org.prov4ml.internal.format.ProvVocabulary.MAIN_CLASS;
import static org.prov4ml.internal.format.ProvVocabulary.NOTE;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_DATASET;
import static org.prov4ml.internal.format.ProvVocabulary.TYPE_SOURCE_CODE;
import static org.prov4ml.internal.format.ProvVocabulary.YPROV;

import ai.djl.engine.Engine;
import ai.djl.training.dataset.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.prov4ml.Context;
import org.prov4ml.internal.config.ConfigKeys;
import org.prov4ml.internal.config.Prov4mlConfig;
import org.prov4ml.internal.format.AtomicFile;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.internal.inputs.ApplicationCode;
import org.prov4ml.internal.inputs.ClassPathBom;
import org.prov4ml.internal.inputs.DataSourceDigest;
import org.prov4ml.internal.inputs.DatasetDescription;
import org.prov4ml.internal.inputs.EnvironmentParams;
import org.prov4ml.internal.inputs.ExecutionCommand;
import org.prov4ml.internal.inputs.GitSource;
import org.prov4ml.internal.pipeline.ArtifactRecord;
import org.prov4ml.internal.pipeline.EventKind;
import org.prov4ml.internal.pipeline.InputRecord;

/**
 * What a run used, beyond its params: its data sets, its code (the command line, the git commit,
 * the application's jar) and its environment (DJL, the machine, the class path's bill of
 * materials). What needs only a few field reads is recorded on the caller's thread; what reads
 * files (hashes) or starts a process (git) is a {@link BackgroundWork} task whose findings reach the
 * run directory as events, so neither the application nor the drainer ever waits for a disk read.
 */
public final class RunInputs {

  /** Where a run's param records go: the run keeps params immutable, whatever thread logs them. */
  @FunctionalInterface
  public interface Params {
    /** Records {@code key = value}; {@code input}: used by the run (yProv4ML's {@code source_code}). */
    void record(String key, String value, boolean input);
  }

  static final String DATASET_TYPE = TYPE_DATASET;
  static final String CODE_TYPE = TYPE_SOURCE_CODE;

  private final RecordedRun recorder;
  private final Prov4mlConfig config;
  private final BackgroundWork background;
  private final Set<String> recorded = ConcurrentHashMap.newKeySet();

  RunInputs(RecordedRun recorder, Prov4mlConfig config, BackgroundWork background) {
    this.recorder = recorder;
    this.config = config;
    this.background = background;
  }

  /**
   * A data set as yProv4ML's {@code log_dataset} records it, with its class, shapes and sources;
   * once per (label, context): later calls are ignored. Its files are hashed in the background.
   */
  public void dataset(String label, Dataset dataset, Context context) {
    String owner = context == null ? recorder.info().activityId() : context.name();
    if (!recorded.add("dataset " + label + "//" + owner)) {
      return;
    }
    DatasetDescription description = DatasetDescription.of(dataset);
    publishInput(label, context, DATASET_TYPE, description.attributes(label));
    if (description.localSources().isEmpty()) {
      return;
    }
    long limit = config.get(ConfigKeys.DATA_HASH_LIMIT);
    Path manifest = recorder.info().layout().artifactsDir().resolve("datasets")
        .resolve(label + (context == null ? "" : "_" + context.name()) + ".json");
    background.submit("hashing data set " + label, new BackgroundWork.Task() {
      @Override
      public void run() throws IOException {
        DataSourceDigest digest = DataSourceDigest.of(description.localSources(), limit);
        try {
          digest.writeManifest(manifest, label, owner);
        } catch (IOException e) {
          recorder.notWritten("manifest of data set " + label + " not written", manifest, e);
          publishInput(label, context, null, Map.of(YPROV + label + "_source_files",
              Integer.toString(digest.files().size()), YPROV + label + "_source_note",
              "its manifest could not be written (" + e.getMessage() + ")"));
          return;
        }
        recorder.publish(EventKind.ARTIFACT, manifest.getFileName().toString(), null,
            new ArtifactRecord(manifest, manifest, null, false, FileDigests.digests(List.of(manifest))));
        publishInput(label, context, null, digest.attributes(label, manifest));
        // A data file another run made (an artifact it wrote, say a preprocessed set) links to that run.
        List<String> digests = new ArrayList<>();
        digest.files().forEach(f -> digests.add(f.sha256()));
        recorder.linkToProducers(label + "//" + owner, digests);
      }

      @Override
      public void abandoned(String why) {
        publishInput(label, context, null, Map.of(YPROV + label + "_source_note", "not hashed: " + why));
      }
    });
  }

  /**
   * {@code execution_command}, as yProv4ML's {@code log_execution_command}: a param; once per run. In the
   * background too: asking the operating system for the command line is slow in a cold JVM.
   */
  public void executionCommand(Params params) {
    if (recorded.add("execution_command")) {
      background.submit("reading the command line",
          () -> params.record("execution_command", ExecutionCommand.ofThisJvm(), false));
    }
  }

  /**
   * The application's code (its jar or classes folder, hashed) and, with {@code useGit}, the git
   * commit of the working directory as yProv4ML's {@code source_code} and {@code source_code_dirty};
   * each once per run.
   */
  public void sourceCode(boolean useGit, Params params) {
    if (recorded.add("application_code")) {
      String main = ApplicationCode.mainClassOfThisJvm();
      background.submit("hashing the application's code", new BackgroundWork.Task() {
        @Override
        public void run() throws IOException {
          Optional<Path> location = ApplicationCode.locate();
          if (location.isEmpty()) {
            publishInput(ApplicationCode.LABEL, null, CODE_TYPE, Map.of(MAIN_CLASS, main,
                NOTE, "not hashed: the launcher names no jar or classes folder for it"));
            return;
          }
          publishInput(ApplicationCode.LABEL, null, CODE_TYPE, ApplicationCode.of(main, location.get()).attributes());
        }

        @Override
        public void abandoned(String why) {
          publishInput(ApplicationCode.LABEL, null, CODE_TYPE, Map.of(MAIN_CLASS, main,
              NOTE, "not hashed: " + why));
        }
      });
    }
    if (useGit && recorded.add("source_code")) {
      Path workingDirectory = Path.of(System.getProperty("user.dir"));
      background.submit("reading the git commit", () -> {
        Optional<GitSource> git = GitSource.of(workingDirectory);
        if (git.isPresent()) { // outside a repository yProv4ML records nothing either
          params.record("source_code", git.get().sourceCode(), true);
          params.record("source_code_dirty", git.get().dirty(), true);
        }
      });
    }
  }

  /**
   * The environment params ({@link EnvironmentParams}) of {@code engine} (null: none known) and this
   * process; once per run.
   */
  public void environment(Engine engine, Params params) {
    if (!recorded.add("environment")) {
      return;
    }
    Map<String, String> env = Map.copyOf(System.getenv());
    java.util.Properties properties = (java.util.Properties) System.getProperties().clone();
    background.submit("reading the environment", () -> {
      Map<String, String> values = new LinkedHashMap<>(EnvironmentParams.ofEngine(engine));
      values.putAll(EnvironmentParams.ofProcess(env, properties));
      values.forEach((key, value) -> params.record(key, value, false));
    });
  }

  /** The class path's bill of materials, artifact {@code sbom.cdx.json}; once per run. */
  public void billOfMaterials() {
    if (!recorded.add("sbom")) {
      return;
    }
    String classPath = System.getProperty("java.class.path", "");
    Path target = recorder.info().layout().artifactsDir().resolve(ClassPathBom.FILE_NAME);
    Map<String, String> env = Map.copyOf(System.getenv());
    background.submit("the class path's bill of materials", () -> {
      String json = ClassPathBom.jsonOf(classPath, env);
      try {
        AtomicFile.write(target, out -> out.write(json.getBytes(StandardCharsets.UTF_8)));
      } catch (IOException e) {
        recorder.notWritten("bill of materials not written", target, e);
        return;
      }
      recorder.publish(EventKind.ARTIFACT, target.getFileName().toString(), null,
          new ArtifactRecord(target, target, null, false, FileDigests.digests(List.of(target))));
    });
  }

  private void publishInput(String label, Context context, String type, Map<String, String> attributes) {
    recorder.publish(EventKind.INPUT, label, context, new InputRecord(label, context, type, attributes));
  }

  /** At the run's end: waits for what the background still computes, up to {@code timeout}. */
  void finish(Duration timeout) {
    background.finish(timeout);
  }
}
