package org.prov4ml.internal.inputs;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The params that say what a run computed on: DJL, its engine and devices; the CPU, memory and JVM;
 * and the few settings that change numerics. Of the environment only {@link #NUMERIC_VARIABLES} are
 * recorded, never the rest of it, and of the system properties only DJL's own ({@code ai.djl.*}),
 * each masked when its name says it is a secret.
 */
public final class EnvironmentParams {

  /** Environment variables that change how many threads compute, or on which GPUs. */
  public static final List<String> NUMERIC_VARIABLES = List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS",
      "CUDA_VISIBLE_DEVICES");

  static final String NOT_SET = "not set";

  private EnvironmentParams() {}

  /** DJL's version, the engine's name and version, its devices and, with GPUs, CUDA's version. */
  public static Map<String, String> ofEngine(Engine engine) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("djl_version", Engine.getDjlVersion());
    if (engine == null) {
      return params;
    }
    params.put("djl_engine", engine.getEngineName());
    params.put("djl_engine_version", engine.getVersion());
    Device[] devices = engine.getDevices();
    params.put("djl_devices", Arrays.stream(devices).map(Device::toString).collect(Collectors.joining(",")));
    int gpus = engine.getGpuCount();
    params.put("gpu_count", Integer.toString(gpus));
    if (gpus > 0) {
      try {
        params.put("cuda_version", CudaUtils.getCudaVersionString());
        for (int i = 0; i < gpus; i++) {
          params.put("gpu" + i + "_compute_capability", CudaUtils.getComputeCapability(i));
        }
      } catch (RuntimeException | LinkageError e) {
        params.put("cuda_version", "unknown: " + e);
      }
    }
    return params;
  }

  /** CPU, memory, JVM, the numeric environment variables and DJL's system properties. */
  public static Map<String, String> ofProcess(Map<String, String> env, Properties properties) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("cpu_model", cpuModel(properties));
    params.put("cpu_count", Integer.toString(Runtime.getRuntime().availableProcessors()));
    params.put("memory_total_bytes", memoryTotal());
    params.put("jvm_vendor", properties.getProperty("java.vm.vendor", "unknown"));
    params.put("jvm_name", properties.getProperty("java.vm.name", "unknown"));
    params.put("jvm_version", properties.getProperty("java.runtime.version",
        properties.getProperty("java.version", "unknown")));
    params.put("jvm_max_heap_bytes", Long.toString(Runtime.getRuntime().maxMemory()));
    for (String name : NUMERIC_VARIABLES) {
      String value = env.get(name);
      params.put("env." + name, value == null ? NOT_SET : SecretMasking.value(name, value));
    }
    Map<String, String> djl = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      if (name.startsWith("ai.djl.")) {
        djl.put("property." + name, SecretMasking.value(name, properties.getProperty(name)));
      }
    }
    params.putAll(djl);
    return params;
  }

  private static String cpuModel(Properties properties) {
    try {
      Path cpuinfo = Path.of("/proc/cpuinfo");
      if (Files.isReadable(cpuinfo)) {
        for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
          if (line.startsWith("model name") && line.indexOf(':') > 0) {
            return line.substring(line.indexOf(':') + 1).trim();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall back to the architecture
    }
    return properties.getProperty("os.arch", "unknown");
  }

  private static String memoryTotal() {
    try {
      Path meminfo = Path.of("/proc/meminfo");
      if (Files.isReadable(meminfo)) {
        for (String line : Files.readAllLines(meminfo, StandardCharsets.UTF_8)) {
          if (line.startsWith("MemTotal:")) { // MemTotal:  24587316 kB
            return Long.toString(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
          }
        }
      }
      if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
        return Long.toString(os.getTotalMemorySize());
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      // unknown below
    }
    return "unknown";
  }
}
