package org.prov4ml.internal.config;

import java.util.Locale;

/**
 * Whether a launch with a run identity continues the newest run directory of that identity
 * ({@code prov4ml.run.resume}): a job relaunched after a time limit, a preemption or a crash is one run
 * with several attempts, not a run {@code -2} whose steps start again from 0.
 */
public enum ResumePolicy {
  /** Continue when the launcher says this is a restart ({@code SLURM_RESTART_COUNT}, {@code TORCHELASTIC_RESTART_COUNT} above 0). */
  AUTO,
  /** Always continue the newest run directory of the identity, unless a live process still writes it. */
  ALWAYS,
  /** Never continue: a second launch records into {@code <experiment>_<id>-2}. */
  NEVER;

  /** {@code auto}, {@code true} or {@code false}, in any case. */
  static ResumePolicy parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "true" -> ALWAYS;
      case "false" -> NEVER;
      default -> throw new IllegalArgumentException("not auto, true or false");
    };
  }

  /** Whether a launch continues, given the launcher's restart count (0 for a first launch). */
  public boolean continues(int restartCount) {
    return this == ALWAYS || (this == AUTO && restartCount > 0);
  }
}
