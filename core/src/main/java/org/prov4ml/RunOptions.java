package org.prov4ml;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.prov4ml.internal.format.ArgumentChecks;

/**
 * How to start a run; anything left unset comes from the configuration ({@code prov4ml.*} keys).
 *
 * <pre>{@code
 * try (Run run = Prov4ml.startRun(RunOptions.builder().experimentName("mnist").rank(0).build())) {
 *   ...
 * }
 * }</pre>
 */
public final class RunOptions {

  private final String experimentName;
  private final Path outputDir;
  private final String userNamespace;
  private final String runName;
  private final Integer rank;
  private final String runId;
  private final Integer worldSize;
  private final Map<String, String> tags;
  private final Resume resume;

  /**
   * Whether a launch with a run identity continues the newest run directory of that identity, as a job
   * relaunched after a time limit, a preemption or a crash should: the same directory and files, a new attempt,
   * the steps prov4ml counts going on from where the record ends. The configuration's
   * {@code prov4ml.run.resume} is {@code auto}, {@code true} or {@code false}.
   */
  public enum Resume {
    /** Continue when the launcher says this is a restart: {@code SLURM_RESTART_COUNT} or {@code TORCHELASTIC_RESTART_COUNT} above 0. */
    AUTO,
    /** Always continue the newest run directory of the identity, unless a live process still writes it. */
    ALWAYS,
    /** Never continue: a second launch with the same identity records into {@code <experiment>_<id>-2}. */
    NEVER
  }

  private RunOptions(Builder b) {
    this.experimentName = b.experimentName;
    this.outputDir = b.outputDir;
    this.userNamespace = b.userNamespace;
    this.runName = b.runName;
    this.rank = b.rank;
    this.runId = b.runId;
    this.worldSize = b.worldSize;
    this.tags = Map.copyOf(b.tags);
    this.resume = b.resume;
  }

  /**
   * Whether the run continues an earlier one of its identity.
   *
   * @return the choice, or null when not set (the configuration's {@code prov4ml.run.resume} holds)
   */
  public Resume resume() {
    return resume;
  }

  /**
   * A builder with nothing set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The experiment name.
   *
   * @return the name, or null to use {@code prov4ml.experiment-name}
   */
  public String experimentName() {
    return experimentName;
  }

  /**
   * Where the run directory is written.
   *
   * @return the output directory, or null to use {@code prov4ml.output-dir}
   */
  public Path outputDir() {
    return outputDir;
  }

  /**
   * The PROV namespace of the document's identifiers.
   *
   * @return the namespace, or null to use {@code prov4ml.user-namespace}
   */
  public String userNamespace() {
    return userNamespace;
  }

  /**
   * The run's name.
   *
   * @return the name, or null to use {@code prov4ml.run-name} (default {@code <experiment>_<runId>})
   */
  public String runName() {
    return runName;
  }

  /**
   * The global rank of this process in its job.
   *
   * @return the rank, or null to use {@code prov4ml.rank} (default: the launcher's, else 0)
   */
  public Integer rank() {
    return rank;
  }

  /**
   * The job's run identity.
   *
   * @return the id, or null to use {@code prov4ml.run-id} (default: the launcher's)
   */
  public String runId() {
    return runId;
  }

  /**
   * The number of ranks of the job.
   *
   * @return the world size, or null to use {@code prov4ml.world-size} (default: the launcher's, else 1)
   */
  public Integer worldSize() {
    return worldSize;
  }

  /**
   * The run's own tags, given to MLflow with prov4ml's.
   *
   * @return the tags by key, unmodifiable; empty when none were set
   */
  public Map<String, String> tags() {
    return tags;
  }

  /** Builds {@link RunOptions}; every setter checks its argument at once. */
  public static final class Builder {
    private String experimentName;
    private Path outputDir;
    private String userNamespace;
    private String runName;
    private Integer rank;
    private String runId;
    private Integer worldSize;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private Resume resume;

    private Builder() {}

    /**
     * Whether a launch with a run identity ({@link #runId}, or the launcher's job id) continues the newest run
     * directory of that identity; see {@link Resume}.
     *
     * @param resume {@code AUTO}, {@code ALWAYS} or {@code NEVER}
     * @return this builder
     */
    public Builder resume(Resume resume) {
      this.resume = ArgumentChecks.notNull(resume, "resume");
      return this;
    }

    /**
     * Sets the experiment name.
     *
     * @param experimentName a name usable as a file name
     * @return this builder
     */
    public Builder experimentName(String experimentName) {
      ArgumentChecks.experimentName(experimentName, "experimentName");
      this.experimentName = experimentName;
      return this;
    }

    /**
     * Sets where the run directory is written.
     *
     * @param outputDir the output directory, created when missing
     * @return this builder
     */
    public Builder outputDir(Path outputDir) {
      this.outputDir = ArgumentChecks.notNull(outputDir, "outputDir");
      return this;
    }

    /**
     * Sets the PROV namespace of the document's identifiers.
     *
     * @param userNamespace a non-blank namespace
     * @return this builder
     */
    public Builder userNamespace(String userNamespace) {
      ArgumentChecks.nonBlank(userNamespace, "userNamespace");
      try {
        this.userNamespace = org.prov4ml.internal.config.ConfigKeys.namespace(userNamespace);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("userNamespace '" + userNamespace + "' is not a namespace: use "
            + org.prov4ml.internal.config.ConfigKeys.USER_NAMESPACE.allowed());
      }
      return this;
    }

    /**
     * Sets the run's name.
     *
     * @param runName a non-blank name
     * @return this builder
     */
    public Builder runName(String runName) {
      this.runName = ArgumentChecks.nonBlank(runName, "runName");
      return this;
    }

    /**
     * Sets the global rank of this process in its job.
     *
     * @param rank the rank, 0 or more
     * @return this builder
     */
    public Builder rank(int rank) {
      ArgumentChecks.nonNegative(rank, "rank");
      this.rank = rank;
      return this;
    }

    /**
     * The run identity of a job of several processes: every rank started with the same id records
     * into one run directory {@code <experiment>_<runId>}.
     *
     * @param runId 1 to 100 letters, digits, {@code .}, {@code _} or {@code -}
     * @return this builder
     */
    public Builder runId(String runId) {
      this.runId = ArgumentChecks.runId(runId, "runId");
      return this;
    }

    /**
     * The number of ranks of the job; rank 0 merges their documents at its end.
     *
     * @param worldSize 1 or more
     * @return this builder
     */
    public Builder worldSize(int worldSize) {
      if (worldSize < 1) {
        throw new IllegalArgumentException("worldSize is " + worldSize + ", it must be at least 1");
      }
      this.worldSize = worldSize;
      return this;
    }

    /**
     * Adds a tag to the run.
     *
     * @param key the tag's key
     * @param value its value
     * @return this builder
     */
    public Builder tag(String key, String value) {
      ArgumentChecks.key(key, "tag key");
      tags.put(key, ArgumentChecks.notNull(value, "tag value of '" + key + "'"));
      return this;
    }

    /**
     * The options set so far.
     *
     * @return new options; the builder may be used on
     */
    public RunOptions build() {
      return new RunOptions(this);
    }
  }
}
