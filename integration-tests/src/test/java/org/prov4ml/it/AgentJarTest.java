package org.prov4ml.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded agent jar: one jar, its own copies of everything relocated, DJL never inside. */
class AgentJarTest {

  private static final String SHADED = "org/prov4ml/shaded/";
  private static final String BYTE_BUDDY = SHADED + "net/bytebuddy/";

  @Test
  void everyClassIsOursOrRelocatedAndTheManifestMakesItAnAgent() throws Exception {
    try (JarFile jar = new JarFile(ForkedApp.AGENT_JAR.toFile())) {
      List<String> foreign = new ArrayList<>();
      jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class"))
          .filter(n -> !n.startsWith("org/prov4ml/")).forEach(foreign::add);
      assertEquals(List.of(), foreign, "classes outside org/prov4ml");
      // DJL is the application's: nothing of it is in the jar, not even woven forms of its classes.
      List<String> djl = jar.stream().map(e -> e.getName()).filter(n -> n.contains("ai/djl/") || n.contains("prewoven"))
          .filter(n -> !n.endsWith("/")).sorted().toList();
      assertEquals(List.of(), djl);
      assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("META-INF/services/org.tinylog")),
          "tinylog's service files are renamed with its classes");
      assertTrue(jar.getEntry("META-INF/services/org.prov4ml.shaded.org.tinylog.configuration.ConfigurationLoader")
          != null);
      Attributes manifest = jar.getManifest().getMainAttributes();
      assertEquals("org.prov4ml.internal.agent.Premain", manifest.getValue("Premain-Class"));
      assertEquals("org.prov4ml.internal.agent.Premain", manifest.getValue("Agent-Class"));
      assertEquals("true", manifest.getValue("Can-Retransform-Classes"));
      assertEquals("org.prov4ml.internal.cli.Prov4mlCli", manifest.getValue("Main-Class"));
    }
  }

  /**
   * The Apache License asks that a redistribution keep each bundled library's NOTICE: the jar's one
   * NOTICE merges them, where the last one shaded used to replace the others.
   */
  @Test
  void theNoticeOfEachBundledLibraryIsKept() throws Exception {
    try (JarFile jar = new JarFile(ForkedApp.AGENT_JAR.toFile())) {
      String notice = new String(jar.getInputStream(jar.getEntry("META-INF/NOTICE")).readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(notice.contains("Copyright 2014 - Present Rafael Winterhalter"), "Byte Buddy's NOTICE");
      assertTrue(notice.contains("Jackson JSON processor"), "Jackson's NOTICE");
    }
  }

  /**
   * prov4ml speaks MLflow's REST API itself: nothing of MLflow's Java client (its generated protobuf,
   * guava, Databricks' SDK, slf4j) is inside. The 6 MB, read as 6,000,000 bytes; what the
   * jar holds and what each part weighs is in docs/design.md ("The agent jar").
   */
  @Test
  void nothingOfMlflowsClientIsInsideAndTheJarIsAtMostSixMegabytes() throws Exception {
    try (JarFile jar = new JarFile(ForkedApp.AGENT_JAR.toFile())) {
      List<String> mlflow = jar.stream().map(e -> e.getName())
          .filter(n -> n.contains("org/mlflow") || n.contains("mlflow_project") || n.contains("com/databricks")
              || n.contains("slf4j") || n.contains("com/google/protobuf"))
          .toList();
      assertEquals(List.of(), mlflow);
    }
    long size = Files.size(ForkedApp.AGENT_JAR);
    assertTrue(size <= 6_000_000, "the agent jar is " + size + " bytes");
  }

  /**
   * The agent weaves Byte Buddy's Advice into class files itself, and the jar keeps only the part of
   * Byte Buddy that does that (agent/pom.xml): no AgentBuilder, no class-building DSL, no
   * MethodDelegation. Left out must mean never needed: no method the jar's own code can reach names
   * a Byte Buddy class the jar lacks ({@link JarReachability}).
   */
  @Test
  void noMethodTheAgentCanReachNamesAByteBuddyClassLeftOut() throws Exception {
    JarReachability reachability = JarReachability.of(ForkedApp.AGENT_JAR,
        name -> name.startsWith("org/prov4ml/") && !name.startsWith(SHADED), BYTE_BUDDY);
    assertEquals(List.of(), reachability.foreignReferences(), "other libraries naming Byte Buddy");
    assertEquals(Set.of(), reachability.missing(BYTE_BUDDY));
    // Not vacuous: the weaving is reached, and what the filter leaves out is out.
    assertTrue(reachability.needed().containsAll(Set.of(BYTE_BUDDY + "asm/Advice",
        BYTE_BUDDY + "asm/Advice$AdviceVisitor$WithExitAdvice", BYTE_BUDDY + "pool/TypePool$Default")));
    try (JarFile jar = new JarFile(ForkedApp.AGENT_JAR.toFile())) {
      for (String out : List.of("agent/builder/AgentBuilder", "ByteBuddy", "dynamic/DynamicType",
          "implementation/MethodDelegation", "dynamic/loading/ClassInjector")) {
        assertNull(jar.getEntry(BYTE_BUDDY + out + ".class"), out);
      }
    }
  }

  /**
   * The JVM's verifier loads some of the classes a method names when the class holding it links,
   * whether the method runs or not: every Byte Buddy class the jar keeps, and the agent's own, must
   * load, link and initialize from the jar alone.
   */
  @Test
  void everyByteBuddyClassKeptLinksFromTheJarAlone() throws Exception {
    List<String> failed = new ArrayList<>();
    int linked = 0;
    try (JarFile jar = new JarFile(ForkedApp.AGENT_JAR.toFile());
        URLClassLoader loader = new URLClassLoader(new URL[] {ForkedApp.AGENT_JAR.toUri().toURL()},
            ClassLoader.getPlatformClassLoader())) {
      for (String entry : jar.stream().map(e -> e.getName()).toList()) {
        if (entry.endsWith(".class") && (entry.startsWith(BYTE_BUDDY) || entry.startsWith("org/prov4ml/internal/agent/"))) {
          String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
          try {
            Class.forName(name, true, loader);
            linked++;
          } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
            failed.add(name + ": " + e);
          }
        }
      }
    }
    assertEquals(List.of(), failed);
    assertTrue(linked > 1000, linked + " classes");
  }

  @Test
  void theJarIsTheCommandLineWithItsRelocatedPicocli(@TempDir Path work) throws Exception {
    ForkedApp.Result help = new ForkedApp(work).withoutAgent().runJar(ForkedApp.AGENT_JAR, "help");
    assertEquals(0, help.exitCode(), help.stderr());
    assertTrue(help.stdout().startsWith("Usage: java -jar prov4ml.jar") && help.stdout().contains("sync"),
        help.stdout());
    ForkedApp.Result bad = new ForkedApp(work).withoutAgent().runJar(ForkedApp.AGENT_JAR, "sync");
    assertEquals(2, bad.exitCode());
    assertEquals("sync: Missing required parameter: '<run-dir>' (see java -jar prov4ml.jar sync --help)",
        bad.stderr().strip());
  }
}
