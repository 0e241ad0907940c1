package org.prov4ml.internal.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.training.TrainingResult;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerParamsTest {

  @Test
  void summaryHasEpochsAndFinalValuesButNoNaN() {
    TrainingResult result = new TrainingResult();
    Map<String, Float> evaluations = new LinkedHashMap<>();
    evaluations.put("train_loss", 0.5f);
    evaluations.put("validate_loss", Float.NaN); // no validation set
    result.setEvaluations(evaluations);
    assertEquals(Map.of("trainer2.epochs_done", 3, "trainer2.final_train_loss", 0.5f),
        TrainerParams.ofSummary("trainer2.", 3, result));
  }

  @Test
  void fitWithDataSetsDjlCannotSizeRecordsEpochsOnly() {
    assertEquals(Map.of("epochs", 5), TrainerParams.ofFit("", 5, null, "not a data set"));
  }
}
