package org.prov4ml.internal.inputs;

import static org.prov4ml.internal.format.ProvVocabulary.IDENTIFIER;
import static org.prov4ml.internal.format.ProvVocabulary.YPROV;

import ai.djl.ndarray.NDArray;
import ai.djl.repository.MRL;
import ai.djl.repository.Repository;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.RandomSampler;
import ai.djl.training.dataset.Sampler;
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a DJL data set says about itself without being read: its class, yProv4ML's statistics
 * (samples, batch size, batches an epoch, shuffling), the shapes and types of an in-memory
 * {@code ArrayDataset}, and the local files or folders it reads. Everything here is a field read,
 * cheap enough for the thread that logs the data set; reading the files is left to the background.
 *
 * <p>Sources are found by looking at the data set's fields (and those of a data set it wraps, such
 * as a split): a {@link Path}, {@link File}, {@code file:} {@link URL} or {@link URI} (or a list or
 * array of them), or a local DJL {@link Repository} or {@link MRL}. That covers DJL's {@code CsvDataset} ({@code csvUrl}),
 * {@code ImageFolder} (its repository) and any data set that keeps where it reads from.
 *
 * @param className the data set's class
 * @param stats yProv4ML's statistics and the shapes, by attribute name without the label
 *     ({@code stat_total_samples}, ...)
 * @param localSources files or folders on this machine, in the order found
 * @param otherSources sources that are not local files (remote repositories, URLs), credentials removed
 */
public record DatasetDescription(String className, Map<String, String> stats, List<Path> localSources,
    List<String> otherSources) {

  /** How deep wrapped data sets are followed (a split of a split of a data set). */
  private static final int MAX_DEPTH = 4;
  /** How many elements of a collection field are looked at, at most. */
  private static final int MAX_ELEMENTS = 10_000;

  public static DatasetDescription of(Dataset dataset) {
    Map<String, String> stats = new LinkedHashMap<>();
    if (dataset instanceof RandomAccessDataset random) {
      samplingStats(random, stats);
    }
    if (dataset instanceof ArrayDataset array) {
      try {
        shapes(array, "data", stats);
        shapes(array, "labels", stats);
      } catch (RuntimeException closed) {
        // arrays already closed by the application: their shapes are gone, the rest is still worth recording
      }
    }
    Set<Path> local = new LinkedHashSet<>();
    Set<String> other = new LinkedHashSet<>();
    sources(dataset, 0, local, other, Collections.newSetFromMap(new IdentityHashMap<>()));
    return new DatasetDescription(dataset.getClass().getName(), stats, List.copyOf(local), List.copyOf(other));
  }

  /**
   * The entity's attributes in yProv4ML's form ({@code yprov:<label>_stat_total_samples}, ...), with
   * the class and the sources.
   */
  public Map<String, String> attributes(String label) {
    Map<String, String> attributes = new LinkedHashMap<>();
    stats.forEach((name, value) -> attributes.put(YPROV + label + "_" + name, value));
    attributes.put(YPROV + label + "_djl_class", className);
    List<String> all = new ArrayList<>();
    localSources.forEach(p -> all.add(p.toString()));
    all.addAll(otherSources);
    // yProv4ML's data set entity has an empty identifier; a single local source is a better one, and no
    // identifier better than an empty one (PROV-XML drops an empty element, so it would not read back).
    if (localSources.size() == 1 && otherSources.isEmpty()) {
      attributes.put(IDENTIFIER, localSources.get(0).toString());
    }
    if (!all.isEmpty()) {
      attributes.put(YPROV + label + "_source", String.join("; ", all));
    }
    if (!otherSources.isEmpty()) {
      attributes.put(YPROV + label + "_source_note", "not hashed: " + String.join("; ", otherSources)
          + (otherSources.size() == 1 ? " is" : " are") + " not on the local file system");
    }
    return attributes;
  }

  /** Samples, batch size, batches an epoch and shuffling, where DJL can say without reading data. */
  private static void samplingStats(RandomAccessDataset dataset, Map<String, String> stats) {
    long samples = -1;
    try {
      samples = dataset.size();
      stats.put("stat_total_samples", Long.toString(samples));
    } catch (RuntimeException notPrepared) {
      // e.g. a CsvDataset before prepare(): its records are not read yet, so its size is unknown
    }
    // RandomAccessDataset keeps its sampler in a protected field with no getter.
    if (!(PrivateFields.read(dataset, "sampler") instanceof Sampler sampler)) {
      return;
    }
    int batch = sampler.getBatchSize();
    stats.put("stat_batch_size", Integer.toString(batch));
    boolean dropLast = sampler instanceof BatchSampler
        && Boolean.TRUE.equals(PrivateFields.read(sampler, "dropLast"));
    if (samples >= 0 && batch > 0) {
      stats.put("stat_total_steps", Long.toString(dropLast ? samples / batch : (samples + batch - 1) / batch));
    }
    if (sampler instanceof BatchSampler) {
      Object sub = PrivateFields.read(sampler, "subSampler");
      if (sub != null) {
        stats.put("stat_shuffle", Boolean.toString(sub instanceof RandomSampler));
      }
    }
  }

  /** {@code (256, 10) float32; (256) float32}: the shape and type of each of an ArrayDataset's arrays. */
  private static void shapes(ArrayDataset dataset, String field, Map<String, String> stats) {
    if (!(PrivateFields.read(dataset, field) instanceof NDArray[] arrays) || arrays.length == 0) {
      return;
    }
    List<String> described = new ArrayList<>();
    for (NDArray array : arrays) {
      if (array != null) {
        described.add(array.getShape() + " " + array.getDataType());
      }
    }
    stats.put(field.equals("data") ? "data_shapes" : "label_shapes", String.join("; ", described));
  }

  private static void sources(Object dataset, int depth, Set<Path> local, Set<String> other, Set<Object> seen) {
    if (depth > MAX_DEPTH || !seen.add(dataset)) {
      return;
    }
    for (Class<?> c = dataset.getClass(); c != null && !c.getName().startsWith("java."); c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
          continue;
        }
        Object value = PrivateFields.read(dataset, field);
        if (value instanceof Dataset nested) {
          sources(nested, depth + 1, local, other, seen);
        } else if (value instanceof Collection<?> values) {
          elements(values, local, other);
        } else if (value instanceof Object[] values) {
          elements(Arrays.asList(values), local, other);
        } else if (value != null) {
          source(value, local, other);
        }
      }
    }
  }

  /** The paths among a collection's first elements: a data set's shards, say; anything else is skipped. */
  private static void elements(Collection<?> values, Set<Path> local, Set<String> other) {
    int seen = 0;
    for (Object value : values) {
      if (++seen > MAX_ELEMENTS) {
        return;
      }
      if (value instanceof Path || value instanceof File || value instanceof URL || value instanceof URI) {
        source(value, local, other);
      } else if (value != null && seen == 1) {
        return; // a collection of something else (records, names): not a list of sources
      }
    }
  }

  private static void source(Object value, Set<Path> local, Set<String> other) {
    try {
      if (value instanceof Path path) {
        local.add(path.toAbsolutePath().normalize());
      } else if (value instanceof File file) {
        local.add(file.toPath().toAbsolutePath().normalize());
      } else if (value instanceof URL url) {
        uri(url.toURI(), local, other);
      } else if (value instanceof URI uri) {
        uri(uri, local, other);
      } else if (value instanceof MRL mrl) {
        repository(mrl.getRepository(), local, other);
      } else if (value instanceof Repository repository) {
        repository(repository, local, other);
      }
    } catch (Exception | LinkageError e) {
      // a value that names no source we can use (a malformed URL, a class this DJL does not have)
    }
  }

  private static void repository(Repository repository, Set<Path> local, Set<String> other) {
    if (repository != null && repository.getBaseUri() != null) {
      uri(repository.getBaseUri(), local, other);
    }
  }

  private static void uri(URI uri, Set<Path> local, Set<String> other) {
    if ("file".equalsIgnoreCase(uri.getScheme())) {
      local.add(Path.of(uri).toAbsolutePath().normalize());
    } else if (uri.getScheme() != null) {
      other.add(SecretMasking.withoutCredentials(uri.toString()));
    }
  }
}
