package org.prov4ml.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code prov4ml.run.resume} and the launcher's restart count it reads in {@code auto}. */
class ResumePolicyTest {

  @Test
  void autoContinuesOnlyARestartThatEitherLauncherCounts() {
    assertEquals(0, LauncherEnvironment.restartCount(Map.of()));
    assertEquals(2, LauncherEnvironment.restartCount(Map.of("SLURM_RESTART_COUNT", "2")));
    assertEquals(1, LauncherEnvironment.restartCount(Map.of("TORCHELASTIC_RESTART_COUNT", "1")));
    assertEquals(3, LauncherEnvironment.restartCount(
        Map.of("SLURM_RESTART_COUNT", "3", "TORCHELASTIC_RESTART_COUNT", "1")));
    // Not a count: taken as a first launch, never an exception into the application.
    assertEquals(0, LauncherEnvironment.restartCount(Map.of("SLURM_RESTART_COUNT", "many")));
    assertEquals(0, LauncherEnvironment.restartCount(Map.of("TORCHELASTIC_RESTART_COUNT", "")));

    assertFalse(ResumePolicy.AUTO.continues(0));
    assertTrue(ResumePolicy.AUTO.continues(1));
    assertTrue(ResumePolicy.ALWAYS.continues(0));
    assertFalse(ResumePolicy.NEVER.continues(5));
  }

  @Test
  void theSettingTakesAutoTrueOrFalseAndNamesWhatIsAllowedOtherwise() {
    assertEquals(ResumePolicy.AUTO, Prov4mlConfig.load(new Properties(), Map.of(), null).get(ConfigKeys.RUN_RESUME));
    assertEquals(ResumePolicy.ALWAYS, Prov4mlConfig.load(new Properties(), Map.of("PROV4ML_RUN_RESUME", "TRUE"), null)
        .get(ConfigKeys.RUN_RESUME));
    Properties never = new Properties();
    never.setProperty("prov4ml.run.resume", "false");
    assertEquals(ResumePolicy.NEVER, Prov4mlConfig.load(never, Map.of(), null).get(ConfigKeys.RUN_RESUME));

    Properties bad = new Properties();
    bad.setProperty("prov4ml.run.resume", "maybe");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Prov4mlConfig.load(bad, Map.of(), null));
    assertTrue(e.getMessage().contains("prov4ml.run.resume = 'maybe'") && e.getMessage().contains("auto, true or false"),
        e.getMessage());
  }
}
