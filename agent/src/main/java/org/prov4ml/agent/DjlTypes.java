package org.prov4ml.agent;

import java.util.Set;

/**
 * The DJL classes the agent instruments, by name: known before Byte Buddy is loaded, so that the
 * premain can hold exactly these class loads (and no other) until the instrumentation is ready.
 */
final class DjlTypes {

  static final String TRAINER = "ai.djl.training.Trainer";
  static final String EASY_TRAIN = "ai.djl.training.EasyTrain";
  /** Only the real model: {@code ZooModel.save} delegates to it, so a save is seen once. */
  static final String BASE_MODEL = "ai.djl.BaseModel";

  /** In the JVM's internal form ({@code ai/djl/training/Trainer}), as class file transformers see them. */
  static final Set<String> INTERNAL_NAMES = Set.of(internal(TRAINER), internal(EASY_TRAIN), internal(BASE_MODEL));

  /**
   * The classes whose loading waits for the instrumentation: a trainer built or a {@code fit} begun
   * before it is ready would be missed. {@code BaseModel} is loaded with the first model, long before
   * any save, so it loads at once and is retransformed when the instrumentation is ready.
   */
  static final Set<String> WAIT_FOR = Set.of(internal(TRAINER), internal(EASY_TRAIN));

  private DjlTypes() {}

  static String internal(String name) {
    return name.replace('.', '/');
  }
}
