package org.prov4ml.testing;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.util.Progress;
import java.nio.file.Path;
import java.util.List;

/**
 * A data set that only says which local files and folders it reads, as a user's own {@code Dataset}
 * keeps them: what {@code logDataset} hashes. It yields no batches.
 */
public final class LocalFilesDataset implements Dataset {

  private final List<Path> sources;

  public LocalFilesDataset(Path... sources) {
    this.sources = List.of(sources);
  }

  @Override
  public Iterable<Batch> getData(NDManager manager) {
    return List.of();
  }

  @Override
  public void prepare(Progress progress) {}
}
