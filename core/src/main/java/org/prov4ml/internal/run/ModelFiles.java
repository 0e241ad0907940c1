package org.prov4ml.internal.run;

import ai.djl.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Writes a DJL model's files into the run's artifacts folder on the caller's thread. */
public final class ModelFiles {

  /** The model property DJL's {@code BaseModel.save} numbers its {@code .params} file with. */
  static final String EPOCH_PROPERTY = "Epoch";

  private ModelFiles() {}

  /** Writes the block summary (DJL's {@code Block.toString}, i.e. {@code Blocks.describe}). */
  public static Path writeSummary(Model model, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, model.getBlock().toString() + System.lineSeparator(), StandardCharsets.UTF_8);
  }

  /**
   * Saves the model with DJL's {@code Model.save} into {@code dir}.
   *
   * @return the files the save created or replaced
   */
  public static List<Path> save(Model model, Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    Map<Path, FileTime> before = listing(dir);
    model.save(dir, name);
    Map<Path, FileTime> after = listing(dir);
    return after.entrySet().stream().filter(e -> !e.getValue().equals(before.get(e.getKey())))
        .map(Map.Entry::getKey).sorted().toList();
  }

  /**
   * Saves one version with the step as DJL's epoch, so the file is {@code <name>-<step:04d>.params};
   * the model's own {@code Epoch} property is put back afterwards, since the app may rely on it.
   *
   * @return the {@code .params} file DJL wrote
   */
  public static Path saveVersion(Model model, Path dir, String name, long step) throws IOException {
    Files.createDirectories(dir);
    String previous = model.getProperty(EPOCH_PROPERTY);
    model.setProperty(EPOCH_PROPERTY, Long.toString(step));
    try {
      model.save(dir, name);
    } finally {
      if (previous != null) {
        model.setProperty(EPOCH_PROPERTY, previous);
      } else {
        model.getProperties().remove(EPOCH_PROPERTY);
      }
    }
    return versionFile(dir, name, step);
  }

  /**
   * Copies a {@code .params} file DJL wrote elsewhere to {@code dir/<name>-<step:04d>.params}.
   *
   * @return the copy
   */
  public static Path copyVersion(Path paramsFile, Path dir, String name, long step) throws IOException {
    Files.createDirectories(dir);
    return Files.copy(paramsFile, versionFile(dir, name, step), StandardCopyOption.REPLACE_EXISTING);
  }

  /** {@code dir/<name>-<step:04d>.params}: the file name DJL's {@code BaseModel.save} gives an epoch. */
  public static Path versionFile(Path dir, String name, long step) {
    // Not String.format: this runs on the training thread at every save, and a format string is parsed per call.
    String digits = Long.toString(step);
    StringBuilder file = new StringBuilder(name.length() + 12).append(name).append('-');
    for (int pad = digits.length(); pad < 4; pad++) {
      file.append('0');
    }
    return dir.resolve(file.append(digits).append(".params").toString());
  }

  private static Map<Path, FileTime> listing(Path dir) throws IOException {
    Map<Path, FileTime> modified = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        modified.put(p, Files.getLastModifiedTime(p));
      }
    }
    return modified;
  }
}
