package org.prov4ml.internal.agent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.OutputStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import org.prov4ml.Context;
import org.prov4ml.internal.run.ProcessAttributes;
import org.prov4ml.internal.config.OverflowPolicy;
import org.prov4ml.internal.pipeline.EventPipeline;
import org.prov4ml.internal.pipeline.FailureCounts;
import org.prov4ml.RunStatus;

/**
 * Loads the recording path's classes on the installer thread, while the application is still
 * starting DJL, so the first trainer does not pay for them: an event pipeline with no sink is
 * started, fed and closed, a JSON document is written to nowhere, the run directory's classes are
 * initialised, and what every run records of the process is computed. Nothing is written anywhere
 * and no DJL class is touched.
 */
final class RecordingWarmUp {

  private static final List<String> RECORDING_CLASSES = List.of("org.prov4ml.Run", "org.prov4ml.internal.run.RunRecorder",
      "org.prov4ml.internal.run.StepCounters", "org.prov4ml.internal.run.JvmExitHook", "org.prov4ml.internal.sink.local.RunLayout",
      "org.prov4ml.internal.sink.local.RunDirectoryWriter", "org.prov4ml.internal.sink.local.MetricCsvFiles",
      "org.prov4ml.internal.sink.local.RunProvenance", "org.prov4ml.internal.sink.local.ProvDocument");

  private RecordingWarmUp() {}

  static void run() throws Exception {
    EventPipeline pipeline = new EventPipeline("warm-up", 64, OverflowPolicy.BLOCK, List.of(), new FailureCounts());
    pipeline.publishMetric("warm-up", Context.TRAINING, 0, 0.0, System.currentTimeMillis());
    pipeline.flush(Duration.ofSeconds(5));
    pipeline.close(RunStatus.FINISHED, Duration.ofSeconds(5));
    try (JsonGenerator json = new JsonFactory().createGenerator(OutputStream.nullOutputStream())) {
      json.writeStartObject();
      json.writeStringField("warm-up", "1");
      json.writeEndObject();
    }
    ClassLoader loader = RecordingWarmUp.class.getClassLoader();
    for (String name : RECORDING_CLASSES) {
      Class.forName(name, true, loader);
    }
    ProcessAttributes.get(); // the host name lookup, once per process
    ZonedDateTime.now(); // the default time zone's rules, read from the JDK's tzdb.dat
  }
}
