package org.prov4ml.internal.pipeline;

import java.util.Map;
import org.prov4ml.Context;

/**
 * Something the run used that it did not make: a data set, the application's code. The first
 * record of a (label, context) creates its entity, {@code used} by that context's activity (the run
 * when the context is null); a later one adds attributes to it, as a digest computed in the
 * background does.
 *
 * @param label the entity's label; its id is {@code <label>//<context or run activity>}
 * @param context the phase that used it, or null for the run itself
 * @param type its {@code prov:type} (e.g. {@code provml:Dataset}), or null
 * @param attributes attribute names with their prefix ({@code yprov:...}), values as text
 */
public record InputRecord(String label, Context context, String type, Map<String, String> attributes) {

  public InputRecord {
    attributes = Map.copyOf(attributes);
  }

  /** The entity's id in the document of the run whose activity is {@code runActivity}; spelled here only. */
  public String entityId(String runActivity) {
    return label + "//" + (context == null ? runActivity : context.name());
  }
}
