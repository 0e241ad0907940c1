package org.prov4ml.rundir;

/**
 * One row of a metric file.
 *
 * @param step the step (yProv4ML's {@code epoch} column)
 * @param value the value, NaN and infinities included
 * @param timestampMillis when it was logged, in milliseconds since the epoch (yProv4ML's {@code timestep})
 */
public record MetricPoint(long step, double value, long timestampMillis) {}
