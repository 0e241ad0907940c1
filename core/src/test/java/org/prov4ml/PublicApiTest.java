package org.prov4ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API ({@code org.prov4ml}, {@code org.prov4ml.djl}, {@code org.prov4ml.rundir}) takes
 * and returns only public API types, the JDK's and DJL's: nothing under {@code org.prov4ml.internal},
 * which is public in Java but not supported.
 */
class PublicApiTest {

  private static final List<String> PUBLIC_PACKAGES = List.of("org/prov4ml", "org/prov4ml/djl", "org/prov4ml/rundir");

  @Test
  void noPublicSignatureNamesAnInternalType() throws Exception {
    List<String> leaks = new ArrayList<>();
    List<Class<?>> classes = publicClasses();
    assertTrue(classes.size() > 10, classes.toString());
    for (Class<?> type : classes) {
      for (Method m : type.getDeclaredMethods()) {
        if (exposed(m.getModifiers())) {
          check(leaks, m, m.getGenericReturnType());
          checkParameters(leaks, m);
        }
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (exposed(c.getModifiers())) {
          checkParameters(leaks, c);
        }
      }
      for (Field f : type.getDeclaredFields()) {
        if (exposed(f.getModifiers())) {
          check(leaks, f, f.getGenericType());
        }
      }
    }
    assertEquals(List.of(), leaks);
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void checkParameters(List<String> leaks, Executable e) {
    for (Type parameter : e.getGenericParameterTypes()) {
      check(leaks, e, parameter);
    }
  }

  private static void check(List<String> leaks, Object member, Type type) {
    if (type.getTypeName().contains("org.prov4ml.internal.")) {
      leaks.add(member + " uses " + type.getTypeName());
    }
  }

  /** The public top-level and nested classes of the public packages, from this build's classes. */
  private static List<Class<?>> publicClasses() throws URISyntaxException, java.io.IOException,
      ClassNotFoundException {
    Path root = Path.of(Run.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> classes = new ArrayList<>();
    for (String pkg : PUBLIC_PACKAGES) {
      try (Stream<Path> files = Files.list(root.resolve(pkg))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
          String name = pkg.replace('/', '.') + "." + file.getFileName().toString().replace(".class", "");
          Class<?> type = Class.forName(name, false, PublicApiTest.class.getClassLoader());
          if (Modifier.isPublic(type.getModifiers()) && !type.isSynthetic()) {
            classes.add(type);
          }
        }
      }
    }
    return classes;
  }
}
