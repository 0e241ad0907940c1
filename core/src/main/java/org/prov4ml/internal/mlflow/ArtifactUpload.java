package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import org.prov4ml.internal.format.FileDigests;
import org.prov4ml.internal.mlflow.MlflowTracking.RunRef;
import org.prov4ml.rundir.Artifact;
import org.prov4ml.rundir.MetricSeries;
import org.prov4ml.rundir.RankRecord;
import org.prov4ml.rundir.RunFiles;
import org.tinylog.Logger;

/**
 * PUTs artifacts to the server's artifact proxy. A PUT replaces the file, so sending again is
 * harmless; the cursor keeps the SHA-256 of what was sent, so an artifact replaced locally is sent
 * again and an unchanged one never is.
 */
final class ArtifactUpload {

  /** Where the run directory's own files go in the MLflow run's artifacts. */
  static final String PROVENANCE_FOLDER = "prov4ml";

  private final RunUpload upload;

  ArtifactUpload(RunUpload upload) {
    this.upload = upload;
  }

  /** The artifacts the PROV document lists. */
  void upload(RunRef run) throws IOException, InterruptedException {
    if (!uploadable(run)) {
      return;
    }
    for (Artifact a : upload.record().artifacts()) {
      if (!Files.exists(a.file(), LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(a.file(), LinkOption.NOFOLLOW_LINKS)
          || upload.cursor().rejected.containsKey("artifact " + a.path())) {
        continue;
      }
      Optional<String> outside = RunFiles.refusal(upload.runDir(), a.file());
      if (outside.isPresent()) {
        upload.refuse("artifact " + a.path(), a.file(), outside.get());
        continue;
      }
      ArtifactPath path;
      try {
        path = ArtifactPath.of(a.path());
      } catch (IllegalArgumentException refused) {
        if (!upload.cursor().rejected.containsKey("artifact " + a.path())) {
          upload.reject("artifact " + a.path(), refused.getMessage());
          upload.cursor().save();
        }
        continue;
      }
      String sha = sha256(a);
      if (!sha.equals(upload.cursor().artifacts.get(path.toString()))) {
        put(run, path, a.file(), sha);
      }
    }
  }

  /** The artifact's SHA-256 as recorded; yProv4ML's own documents record none, so the file's is computed. */
  static String sha256(Artifact a) throws IOException {
    return a.sha256().isPresent() ? a.sha256().get() : FileDigests.sha256(a.file());
  }

  /** The PROV document and the metric files, under {@code prov4ml/}, so the provenance travels with the run. */
  void uploadProvenance(RunRef run) throws IOException, InterruptedException {
    if (!uploadable(run)) {
      return;
    }
    RankRecord record = upload.record();
    Path prov = record.document();
    putIfChanged(run, ArtifactPath.of(prov.getFileName().toString()).under(PROVENANCE_FOLDER), prov);
    for (MetricSeries s : upload.metrics()) {
      if (RunFiles.readable(upload.runDir(), s.file())) {
        String folder = s.file().getParent().getFileName().toString();
        putIfChanged(run, ArtifactPath.of(folder + "/" + RunUpload.fileName(s)).under(PROVENANCE_FOLDER), s.file());
      }
    }
  }

  private void putIfChanged(RunRef run, ArtifactPath path, Path file) throws IOException, InterruptedException {
    Optional<String> refused = RunFiles.refusal(upload.runDir(), file);
    if (refused.isPresent()) {
      upload.refuse("artifact " + path, file, refused.get());
      return;
    }
    String sha = FileDigests.sha256(file);
    if (!sha.equals(upload.cursor().artifacts.get(path.toString()))) {
      put(run, path, file, sha);
    }
  }

  private void put(RunRef run, ArtifactPath path, Path file, String sha256) throws IOException, InterruptedException {
    upload.tracking().putArtifact(run, path, file);
    upload.cursor().artifacts.put(path.toString(), sha256);
    upload.cursor().save();
  }

  /**
   * Only the proxy ({@code mlflow-artifacts:}) takes artifacts over HTTP; any other store (S3,
   * a server-side path) would need MLflow's Python, which the Java client forks for artifacts.
   */
  private boolean uploadable(RunRef run) throws IOException {
    UploadCursor cursor = upload.cursor();
    if (cursor.artifactsNotUploadable != null) {
      return false;
    }
    if (run.hasProxiedArtifacts()) {
      return true;
    }
    cursor.artifactsNotUploadable = run.artifactUri();
    cursor.save();
    Logger.warn("prov4ml: MLflow run {} stores artifacts at {}, which prov4ml cannot write without MLflow's "
        + "Python; its artifacts stay in {} (serve artifacts through the tracking server, `mlflow server "
        + "--artifacts-destination ...`, to have them uploaded)", run.runId(), run.artifactUri(), upload.runDir());
    return false;
  }
}
