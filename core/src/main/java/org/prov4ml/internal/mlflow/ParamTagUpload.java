package org.prov4ml.internal.mlflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.prov4ml.internal.mlflow.LogBatchRequest.KeyValue;
import org.prov4ml.rundir.PrintableText;
import org.tinylog.Logger;

/**
 * Sends params and tags the server has not acknowledged, 100 of each per {@code log-batch}.
 * Sending them again is harmless (the same param value again is a no-op on the server), so a
 * refused batch is bisected until the refused elements are found; each is reported once with the
 * server's message and the rest is delivered.
 */
final class ParamTagUpload {

  /** MLflow's {@code MAX_PARAM_VAL_LENGTH}. */
  static final int MAX_PARAM_VALUE = 6000;

  private record Element(boolean isParam, String key, String value) {
    String rejectionKey() {
      return ParamTagUpload.rejectionKey(isParam, key);
    }

    boolean fits(LogBatchRequest batch) {
      KeyValue kv = new KeyValue(key, value);
      return isParam ? batch.canAddParam(kv) : batch.canAddTag(kv);
    }

    void addTo(LogBatchRequest batch) {
      if (isParam) {
        batch.addParam(new KeyValue(key, value));
      } else {
        batch.addTag(new KeyValue(key, value));
      }
    }
  }

  private final RunUpload upload;
  private final Set<String> truncationReported = new HashSet<>();

  ParamTagUpload(RunUpload upload) {
    this.upload = upload;
  }

  /** How a refused param or tag is named in the cursor. */
  static String rejectionKey(boolean isParam, String key) {
    return (isParam ? "param " : "tag ") + key;
  }

  void upload(String runId, Map<String, String> tags) throws IOException, InterruptedException {
    List<Element> pending = pending(tags);
    while (!pending.isEmpty()) {
      LogBatchRequest batch = new LogBatchRequest();
      List<Element> taken = new ArrayList<>();
      for (Element e : pending) {
        if (e.fits(batch)) {
          e.addTo(batch);
          taken.add(e);
        }
      }
      deliver(runId, taken);
      pending.removeAll(taken);
    }
  }

  private List<Element> pending(Map<String, String> tags) {
    UploadCursor cursor = upload.cursor();
    List<Element> pending = new ArrayList<>();
    upload.record().params().forEach((key, value) -> {
      Element e = new Element(true, key, forMlflow(key, value));
      if (!cursor.params.contains(key) && !cursor.rejected.containsKey(e.rejectionKey())) {
        pending.add(e);
      }
    });
    tags.forEach((key, value) -> {
      Element e = new Element(false, key, value);
      if (!cursor.tags.contains(key) && !cursor.rejected.containsKey(e.rejectionKey())) {
        pending.add(e);
      }
    });
    return pending;
  }

  /** The value MLflow can store: a longer one is cut (the PROV document keeps it whole). */
  private String forMlflow(String key, String value) {
    if (value.length() <= MAX_PARAM_VALUE) {
      return value;
    }
    if (truncationReported.add(key)) {
      Logger.warn("prov4ml: param '{}' has {} characters; MLflow keeps at most {}, so it receives the first {} "
          + "(the PROV document has the whole value)", PrintableText.of(key), value.length(), MAX_PARAM_VALUE, MAX_PARAM_VALUE);
    }
    return value.substring(0, MAX_PARAM_VALUE);
  }

  private void deliver(String runId, List<Element> elements) throws IOException, InterruptedException {
    LogBatchRequest batch = new LogBatchRequest();
    elements.forEach(e -> e.addTo(batch));
    UploadCursor cursor = upload.cursor();
    try {
      upload.tracking().logBatch(runId, batch);
    } catch (MlflowRejectedException refused) {
      if (!refused.isInvalidValue()) {
        throw refused;
      }
      if (elements.size() == 1) {
        upload.reject(elements.get(0).rejectionKey(), refused.serverMessage());
        cursor.save();
      } else {
        int half = elements.size() / 2;
        deliver(runId, elements.subList(0, half));
        deliver(runId, elements.subList(half, elements.size()));
      }
      return;
    }
    for (Element e : elements) {
      (e.isParam() ? cursor.params : cursor.tags).add(e.key());
    }
    cursor.save();
  }
}
