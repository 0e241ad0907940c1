package org.prov4ml.internal.lineage;

import java.util.regex.Pattern;

/**
 * One line of the run index: content (by SHA-256) that a run's document says the run made or used.
 *
 * @param sha256 the content's SHA-256, 64 lower-case hex digits
 * @param made whether the run made it (a model version, an artifact); else the run used it
 * @param kind what it is to the run: {@link #MODEL_VERSION}, {@link #ARTIFACT}, {@link #INPUT_MODEL}, ...
 * @param entity the id of the entity that records it in the run's document
 * @param label what a person calls it: the file's name, the data set's label and file
 */
public record IndexEntry(String sha256, boolean made, String kind, String entity, String label) {

  /** A model version the run saved. */
  public static final String MODEL_VERSION = "model version";
  /** A file the run recorded in its artifacts folder (a model file too). */
  public static final String ARTIFACT = "artifact";
  /** A model the run started from ({@code provml:InputModel}). */
  public static final String INPUT_MODEL = "input model";
  /** A data set the run used, by the one digest over its files. */
  public static final String DATA_SET = "data set";
  /** One file of a data set the run used, from the data set's manifest. */
  public static final String DATA_FILE = "data file";
  /** Anything else the run used that has a digest: the application's code, ... */
  public static final String INPUT = "input";

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /**
   * Whether {@code text} is a SHA-256 as prov4ml records one.
   *
   * @param text anything
   * @return whether it is 64 lower-case hex digits
   */
  public static boolean isSha256(String text) {
    return text != null && SHA256.matcher(text).matches();
  }
}
