package org.prov4ml.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the test applications print about their own training, parsed. */
final class AppOutput {

  private AppOutput() {}

  /** Each {@code EPOCH <n> k=v ...} line, in order: DJL's own TrainingResult after that epoch. */
  static List<Map<String, Float>> epochs(String stdout) {
    List<Map<String, Float>> epochs = new ArrayList<>();
    stdout.lines().filter(l -> l.startsWith("EPOCH ")).forEach(line -> {
      Map<String, Float> values = new LinkedHashMap<>();
      String[] cells = line.split(" ");
      for (int i = 2; i < cells.length; i++) {
        String[] kv = cells[i].split("=");
        values.put(kv[0], Float.parseFloat(kv[1]));
      }
      epochs.add(values);
    });
    return epochs;
  }

  /** {@code prefix name=value} lines as a map, e.g. the demo's {@code TEST Accuracy=0.69}. */
  static Map<String, Float> values(String stdout, String prefix) {
    Map<String, Float> values = new LinkedHashMap<>();
    stdout.lines().filter(l -> l.startsWith(prefix + " ")).forEach(line -> {
      String[] kv = line.substring(prefix.length() + 1).split("=");
      values.put(kv[0], Float.parseFloat(kv[1]));
    });
    return values;
  }
}
