package org.prov4ml.it.apps;

import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * The demo training in an application that has its own versions of libraries the agent also uses
 * (Byte Buddy, slf4j, protobuf, guava) on its class path, ahead of the agent. It uses each of them,
 * prints which jar each came from ({@code LIB <class> <jar>}), then trains. The libraries are
 * reached reflectively only so that this module need not compile against versions that differ from
 * the build's own.
 */
public final class ConflictingLibrariesApp {

  private ConflictingLibrariesApp() {}

  public static void main(String[] args) throws Exception {
    useByteBuddy();
    useGuavaAndProtobuf();
    useSlf4j();
    DemoApp.train(2, DemoTraining.TRAIN_SAMPLES, DemoTraining.BATCH, DemoTraining.HIDDEN,
        Path.of(DemoApp.option(args, "--models", DemoApp.MODELS)), 0, true);
  }

  private static void useByteBuddy() throws Exception {
    Class<?> byteBuddy = report("net.bytebuddy.ByteBuddy");
    Object builder = byteBuddy.getMethod("subclass", Class.class)
        .invoke(byteBuddy.getConstructor().newInstance(), Object.class);
    Object unloaded = Class.forName("net.bytebuddy.dynamic.DynamicType$Builder").getMethod("make").invoke(builder);
    Object loaded = Class.forName("net.bytebuddy.dynamic.DynamicType$Unloaded")
        .getMethod("load", ClassLoader.class).invoke(unloaded, ConflictingLibrariesApp.class.getClassLoader());
    Class<?> made = (Class<?>) Class.forName("net.bytebuddy.dynamic.DynamicType$Loaded")
        .getMethod("getLoaded").invoke(loaded);
    System.out.println("BYTEBUDDY made " + made.getSuperclass().getName());
  }

  private static void useGuavaAndProtobuf() throws Exception {
    Object list = report("com.google.common.collect.ImmutableList").getMethod("of", Object.class, Object.class)
        .invoke(null, "a", "b");
    Class<?> byteString = report("com.google.protobuf.ByteString");
    Object bytes = byteString.getMethod("copyFromUtf8", String.class).invoke(null, "prov4ml");
    System.out.println("GUAVA " + list + " PROTOBUF " + byteString.getMethod("size").invoke(bytes));
  }

  private static void useSlf4j() throws Exception {
    Object logger = report("org.slf4j.LoggerFactory").getMethod("getLogger", String.class).invoke(null, "app");
    Method info = Class.forName("org.slf4j.Logger").getMethod("info", String.class);
    info.invoke(logger, "the application's own slf4j");
  }

  private static Class<?> report(String name) throws ClassNotFoundException {
    Class<?> type = Class.forName(name);
    System.out.println("LIB " + name + " " + type.getProtectionDomain().getCodeSource().getLocation());
    return type;
  }
}
