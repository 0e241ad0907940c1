package org.prov4ml.internal.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * What the launcher that started this process says about the job it belongs to: torchrun (and
 * anything that sets its variables), Open MPI / PMIx, Slurm. Read from the environment only, so
 * the processes of one job agree without talking to each other.
 *
 * <p>For the rank and the world size the innermost launcher wins: {@code mpirun} inside a Slurm
 * allocation starts its ranks from one Slurm task per node, so {@code SLURM_PROCID} there names
 * the node's task, not the rank, while {@code OMPI_COMM_WORLD_RANK} is right; torchrun under
 * {@code srun} likewise. The run identity is the job's, so the launcher order there is torchrun,
 * Slurm, PMIx.
 */
public final class LauncherEnvironment {

  private LauncherEnvironment() {}

  /** What a run id may hold: it becomes part of file names and MLflow tags. */
  public static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  private static final Pattern NOT_RUN_ID_CHAR = Pattern.compile("[^A-Za-z0-9._-]");

  /** A run identity and the variable it came from. */
  public record LaunchedRunId(String runId, String variable) {}

  static final List<String> RANK_VARIABLES = List.of("RANK", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "SLURM_PROCID");
  static final List<String> WORLD_SIZE_VARIABLES = List.of("WORLD_SIZE", "OMPI_COMM_WORLD_SIZE", "SLURM_NTASKS");
  static final List<String> LOCAL_RANK_VARIABLES = List.of("LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_RANK",
      "SLURM_LOCALID");
  static final List<String> NODE_RANK_VARIABLES = List.of("GROUP_RANK", "OMPI_COMM_WORLD_NODE_RANK",
      "SLURM_NODEID");

  /**
   * The job's run identity: torchrun's {@code TORCHELASTIC_RUN_ID} (except its placeholder
   * {@code none}, which every job started without {@code --rdzv-id} shares), Slurm's
   * {@code SLURM_JOB_ID} with {@code .SLURM_STEP_ID} when set, or {@code PMIX_NAMESPACE}.
   * Characters a file name or a tag should not hold become {@code -}.
   */
  public static Optional<LaunchedRunId> runId(Map<String, String> env) {
    String torch = value(env, "TORCHELASTIC_RUN_ID");
    if (torch != null && !torch.equalsIgnoreCase("none")) {
      return Optional.of(new LaunchedRunId(sanitize(torch), "TORCHELASTIC_RUN_ID"));
    }
    String slurmJob = value(env, "SLURM_JOB_ID");
    if (slurmJob != null) {
      String step = value(env, "SLURM_STEP_ID");
      return Optional.of(step == null ? new LaunchedRunId(sanitize(slurmJob), "SLURM_JOB_ID")
          : new LaunchedRunId(sanitize(slurmJob + "." + step), "SLURM_JOB_ID and SLURM_STEP_ID"));
    }
    String pmix = value(env, "PMIX_NAMESPACE");
    if (pmix != null) {
      return Optional.of(new LaunchedRunId(sanitize(pmix), "PMIX_NAMESPACE"));
    }
    return Optional.empty();
  }

  /** The global rank: {@code RANK}, {@code OMPI_COMM_WORLD_RANK}, {@code PMIX_RANK}, {@code SLURM_PROCID}. */
  public static OptionalInt rank(Map<String, String> env) {
    return firstNumber(env, RANK_VARIABLES, 0, "a rank (a whole number >= 0)");
  }

  /**
   * How many times the launcher has restarted this job: Slurm's {@code SLURM_RESTART_COUNT} (a requeue) or
   * torchrun's {@code TORCHELASTIC_RESTART_COUNT}, the larger; 0 for a first launch, and for a value that is
   * not a whole number (it only decides whether to continue a run, which is then not done).
   */
  public static int restartCount(Map<String, String> env) {
    int count = 0;
    for (String variable : List.of("SLURM_RESTART_COUNT", "TORCHELASTIC_RESTART_COUNT")) {
      String v = value(env, variable);
      if (v != null) {
        try {
          count = Math.max(count, Integer.parseInt(v));
        } catch (NumberFormatException e) {
          // not a restart count: the launch is taken as a first one
        }
      }
    }
    return count;
  }

  /** The number of ranks: {@code WORLD_SIZE}, {@code OMPI_COMM_WORLD_SIZE}, {@code SLURM_NTASKS}. */
  public static OptionalInt worldSize(Map<String, String> env) {
    return firstNumber(env, WORLD_SIZE_VARIABLES, 1, "a world size (a whole number >= 1)");
  }

  /** The rank on this node: {@code LOCAL_RANK}, {@code OMPI_COMM_WORLD_LOCAL_RANK}, {@code SLURM_LOCALID}. */
  public static OptionalInt localRank(Map<String, String> env) {
    return firstNumberOrEmpty(env, LOCAL_RANK_VARIABLES);
  }

  /** The node's index in the job: {@code GROUP_RANK}, {@code OMPI_COMM_WORLD_NODE_RANK}, {@code SLURM_NODEID}. */
  public static OptionalInt nodeRank(Map<String, String> env) {
    return firstNumberOrEmpty(env, NODE_RANK_VARIABLES);
  }

  /** The node's name as Slurm knows it ({@code SLURMD_NODENAME}), when Slurm started the process. */
  public static Optional<String> slurmNodeName(Map<String, String> env) {
    return Optional.ofNullable(value(env, "SLURMD_NODENAME"));
  }

  static String sanitize(String raw) {
    String id = NOT_RUN_ID_CHAR.matcher(raw.trim()).replaceAll("-");
    return id.length() > 100 ? id.substring(0, 100) : id;
  }

  /**
   * The first of {@code variables} that is set; a value that is not a whole number {@code >= min}
   * fails, naming the variable, as a bad configuration value does.
   */
  private static OptionalInt firstNumber(Map<String, String> env, List<String> variables, int min, String what) {
    for (String variable : variables) {
      String v = value(env, variable);
      if (v != null) {
        try {
          int n = Integer.parseInt(v);
          if (n >= min) {
            return OptionalInt.of(n);
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        throw new IllegalArgumentException(variable + " = '" + env.get(variable) + "' is not " + what);
      }
    }
    return OptionalInt.empty();
  }

  /** For what is only recorded (local rank, node rank): a value that is not a number is left out. */
  private static OptionalInt firstNumberOrEmpty(Map<String, String> env, List<String> variables) {
    for (String variable : variables) {
      String v = value(env, variable);
      if (v != null) {
        try {
          return OptionalInt.of(Integer.parseInt(v));
        } catch (NumberFormatException e) {
          return OptionalInt.empty();
        }
      }
    }
    return OptionalInt.empty();
  }

  private static String value(Map<String, String> env, String variable) {
    String v = env.get(variable);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
