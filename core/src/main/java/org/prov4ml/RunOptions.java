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

  private RunOptions(Builder b) {
    this.experimentName = b.experimentName;
    this.outputDir = b.outputDir;
    this.userNamespace = b.userNamespace;
    this.runName = b.runName;
    this.rank = b.rank;
    this.runId = b.runId;
    this.worldSize = b.worldSize;
    this.tags = Map.copyOf(b.tags);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The experiment name, or null to use {@code prov4ml.experiment-name}. */
  public String experimentName() {
    return experimentName;
  }

  public Path outputDir() {
    return outputDir;
  }

  public String userNamespace() {
    return userNamespace;
  }

  public String runName() {
    return runName;
  }

  public Integer rank() {
    return rank;
  }

  /** The job's run identity, or null to use {@code prov4ml.run-id} (default: the launcher's). */
  public String runId() {
    return runId;
  }

  public Integer worldSize() {
    return worldSize;
  }

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

    private Builder() {}

    public Builder experimentName(String experimentName) {
      ArgumentChecks.experimentName(experimentName, "experimentName");
      this.experimentName = experimentName;
      return this;
    }

    public Builder outputDir(Path outputDir) {
      this.outputDir = ArgumentChecks.notNull(outputDir, "outputDir");
      return this;
    }

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

    public Builder runName(String runName) {
      this.runName = ArgumentChecks.nonBlank(runName, "runName");
      return this;
    }

    public Builder rank(int rank) {
      ArgumentChecks.nonNegative(rank, "rank");
      this.rank = rank;
      return this;
    }

    /**
     * The run identity of a job of several processes: every rank started with the same id records
     * into one run directory {@code <experiment>_<runId>}.
     */
    public Builder runId(String runId) {
      this.runId = ArgumentChecks.runId(runId, "runId");
      return this;
    }

    /** The number of ranks of the job; rank 0 merges their documents at its end. */
    public Builder worldSize(int worldSize) {
      if (worldSize < 1) {
        throw new IllegalArgumentException("worldSize is " + worldSize + ", it must be at least 1");
      }
      this.worldSize = worldSize;
      return this;
    }

    public Builder tag(String key, String value) {
      ArgumentChecks.key(key, "tag key");
      tags.put(key, ArgumentChecks.notNull(value, "tag value of '" + key + "'"));
      return this;
    }

    public RunOptions build() {
      return new RunOptions(this);
    }
  }
}
