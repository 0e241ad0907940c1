package org.prov4ml.internal.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemSnapshotTest {

  @Test
  void readsMlflowNamedValuesInRange() {
    Map<String, Double> values = SystemSnapshot.read();
    assertTrue(values.get(SystemSnapshot.HEAP_USED) > 0, values.toString());
    assertTrue(values.get(SystemSnapshot.GC_TIME) >= 0, values.toString());
    double memory = values.get(SystemSnapshot.MEMORY_PERCENT);
    assertTrue(memory > 0 && memory <= 100, values.toString());
    if (Files.exists(Path.of("/proc/self/status"))) {
      assertTrue(values.get(SystemSnapshot.PROCESS_RSS) > 1, values.toString());
    }
    values.keySet().forEach(k -> assertTrue(k.startsWith("system/"), k));
  }

  @Test
  void procLinesAreParsedAndAMissingOneIsMinusOne(@TempDir Path dir) throws Exception {
    Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nVmRSS:\t  123456 kB\n");
    assertEquals(123456, SystemSnapshot.kbField(status, "VmRSS:"));
    assertEquals(-1, SystemSnapshot.kbField(status, "VmSwap:"));
    assertEquals(-1, SystemSnapshot.kbField(dir.resolve("absent"), "VmRSS:"));
  }
}
