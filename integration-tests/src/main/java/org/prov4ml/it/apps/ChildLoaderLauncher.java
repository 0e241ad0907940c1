package org.prov4ml.it.apps;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs an app in a class loader of its own, as launchers of nested jars and plugin hosts do: DJL is
 * then not on the system class path, where the agent's classes are.
 *
 * <pre>
 * java -cp &lt;this class only&gt; org.prov4ml.it.apps.ChildLoaderLauncher app|platform &lt;class path&gt; &lt;main class&gt; [args]
 * </pre>
 *
 * {@code app}: the loader's parent is the system class loader (delegating to it first); {@code
 * platform}: the parent is the platform class loader, so nothing of the system class path is seen.
 * The class path is as {@code java -cp} takes it: directories, jars, and {@code dir/*} for a
 * directory's jars.
 */
public final class ChildLoaderLauncher {

  private ChildLoaderLauncher() {}

  public static void main(String[] args) throws Exception {
    ClassLoader parent = switch (args[0]) {
      case "app" -> ClassLoader.getSystemClassLoader();
      case "platform" -> ClassLoader.getPlatformClassLoader();
      default -> throw new IllegalArgumentException("parent '" + args[0] + "' is neither app nor platform");
    };
    List<URL> urls = new ArrayList<>();
    for (String entry : args[1].split(File.pathSeparator)) {
      if (entry.endsWith(File.separator + "*")) {
        try (Stream<Path> files = Files.list(Path.of(entry.substring(0, entry.length() - 2)))) {
          for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
            urls.add(jar.toUri().toURL());
          }
        }
      } else {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), parent)) {
      Thread.currentThread().setContextClassLoader(loader);
      loader.loadClass(args[2]).getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 3, args.length));
    }
  }
}
