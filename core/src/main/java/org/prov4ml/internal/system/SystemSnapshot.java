package org.prov4ml.internal.system;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reading of the process and the machine, keyed by MLflow's system metric names (the ones its
 * {@code SystemMetricsMonitor} logs, so that MLflow's system charts show them) plus the JVM's own
 * under the same {@code system/} prefix. A value the platform cannot give is left out.
 */
final class SystemSnapshot {

  static final String CPU = "system/cpu_utilization_percentage";
  static final String MEMORY_USED = "system/system_memory_usage_megabytes";
  static final String MEMORY_PERCENT = "system/system_memory_usage_percentage";
  static final String PROCESS_RSS = "system/process_rss_megabytes";
  static final String HEAP_USED = "system/jvm_heap_used_megabytes";
  static final String GC_TIME = "system/jvm_gc_time_milliseconds";

  private static final double MB = 1024.0 * 1024.0;

  private SystemSnapshot() {}

  static Map<String, Double> read() {
    Map<String, Double> values = new LinkedHashMap<>();
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      double load = os.getCpuLoad(); // negative until the JVM has a first interval to compare with
      if (load >= 0) {
        values.put(CPU, load * 100);
      }
      long total = os.getTotalMemorySize();
      long used = total - availableMemory(os.getFreeMemorySize());
      values.put(MEMORY_USED, used / MB);
      values.put(MEMORY_PERCENT, 100.0 * used / total);
    }
    long rssKb = procStatusKb("VmRSS:");
    if (rssKb >= 0) {
      values.put(PROCESS_RSS, rssKb / 1024.0);
    }
    values.put(HEAP_USED, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / MB);
    values.put(GC_TIME, (double) gcMillis(ManagementFactory.getGarbageCollectorMXBeans()));
    return values;
  }

  /** Memory available to programs, as psutil (MLflow) counts "used": MemAvailable on Linux, else free. */
  private static long availableMemory(long free) {
    long kb = kbField(Path.of("/proc/meminfo"), "MemAvailable:");
    return kb >= 0 ? kb * 1024 : free;
  }

  private static long procStatusKb(String field) {
    return kbField(Path.of("/proc/self/status"), field);
  }

  /** A {@code Name:   1234 kB} line of a /proc file, or -1 (not Linux, or no such line). */
  static long kbField(Path file, String field) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the value is left out
    }
    return -1;
  }

  private static long gcMillis(List<GarbageCollectorMXBean> collectors) {
    long total = 0;
    for (GarbageCollectorMXBean gc : collectors) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }
}
