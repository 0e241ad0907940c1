package org.prov4ml.it.bench;

/**
 * Loads DJL's three classes the agent instruments and nothing else (no engine, no training): what
 * the agent's set-up costs a JVM that uses DJL, apart from any training. See docs/benchmarks.md.
 */
public final class DjlClassLoad {

  private DjlClassLoad() {}

  public static void main(String[] args) throws ClassNotFoundException {
    for (String name : new String[] {"ai.djl.BaseModel", "ai.djl.training.Trainer", "ai.djl.training.EasyTrain"}) {
      Class.forName(name);
    }
    System.out.println("DONE");
  }
}
