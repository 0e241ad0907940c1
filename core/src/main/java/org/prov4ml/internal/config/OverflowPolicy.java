package org.prov4ml.internal.config;

/** What a logging call does when the event ring is full. */
public enum OverflowPolicy {
  /** Wait for a free slot: nothing is lost, the caller may be slowed down. */
  BLOCK,
  /** Never wait: the metric point is dropped and counted. */
  DROP
}
