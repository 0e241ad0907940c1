package org.prov4ml.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Which classes of a library shaded into a jar the jar's own code can reach, method by method, and
 * which of those the jar lacks. The agent jar keeps only part of Byte Buddy, less than minimizing
 * keeps, because Byte Buddy's classes name each other far beyond what any one use runs; this is the
 * proof that what was left out is never needed.
 *
 * <p>Rapid type analysis, erring on the side of reaching more: every method of the jar's own classes
 * is a root and each of those classes counts as instantiated; a virtual call reaches its method in
 * every instantiated class that can receive it (any instantiated class with that method, when the
 * call is on a type outside the analysed classes); a class referenced in any way has its static
 * initializer run; an instantiated class that extends or implements a type outside the analysed
 * classes (a JDK interface the JDK calls back) has all its non-private methods reached; and the
 * classes that the annotations of every class reached hold as values (Byte Buddy loads them by name
 * when it reads the advice's annotations) count as reached too. Other libraries in the jar are outside the
 * analysis, which holds as long as none of them names the analysed library: {@link #foreignReferences}.
 */
final class JarReachability {

  private static final Set<String> MARKER_INTERFACES = Set.of("java/lang/Object", "java/io/Serializable",
      "java/lang/Cloneable");

  /** A class of the analysis: its super types and methods. */
  private record ClassInfo(String name, String superName, List<String> interfaces, int access,
      Map<String, MethodInfo> methods, byte[] bytes) {}

  /** A method: its access flags, and what its code does that matters here. */
  private record MethodInfo(String owner, String nameAndDescriptor, int access, List<String[]> calls,
      Set<String> referencedTypes, Set<String> initializedTypes, Set<String> instantiatedTypes) {}

  private final Map<String, ClassInfo> classes = new HashMap<>();
  private final Set<String> allInJar = new HashSet<>();
  private final Set<String> reachedMethods = new HashSet<>();
  private final Deque<MethodInfo> work = new ArrayDeque<>();
  private final Set<String> instantiated = new HashSet<>();
  private final Set<String> referenced = new HashSet<>();
  private final Set<String> initialized = new HashSet<>();
  /** Virtual call sites reached so far: method name and descriptor, to the owners they were called on. */
  private final Map<String, Set<String>> virtualCalls = new HashMap<>();
  private final Map<String, Set<String>> superTypes = new HashMap<>();
  private final List<String> foreign = new ArrayList<>();

  private JarReachability() {}

  /**
   * Analyses {@code jar}: the classes {@code own} accepts are the roots, the classes under {@code
   * libraryPrefix} the library analysed with them.
   */
  static JarReachability of(Path jar, Predicate<String> own, String libraryPrefix) throws IOException {
    JarReachability analysis = new JarReachability();
    byte[] prefix = libraryPrefix.getBytes(StandardCharsets.UTF_8);
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : Collections.list(file.entries())) {
        String path = entry.getName();
        if (!path.endsWith(".class")) {
          continue;
        }
        String name = path.substring(0, path.length() - ".class".length());
        analysis.allInJar.add(name);
        byte[] bytes;
        try (InputStream in = file.getInputStream(entry)) {
          bytes = in.readAllBytes();
        }
        if (own.test(name) || name.startsWith(libraryPrefix)) {
          analysis.read(bytes);
        } else if (indexOf(bytes, prefix) >= 0) {
          analysis.foreign.add(name);
        }
      }
    }
    for (String name : analysis.classes.keySet()) {
      analysis.superTypes.put(name, analysis.collectSuperTypes(name));
    }
    for (ClassInfo c : List.copyOf(analysis.classes.values())) {
      if (own.test(c.name())) {
        analysis.instantiate(c.name());
        c.methods().values().forEach(analysis::reach);
      }
    }
    analysis.run();
    return analysis;
  }

  /** The classes under the library's prefix that reached code or annotations name, and the jar does not hold. */
  Set<String> missing(String libraryPrefix) {
    Set<String> missing = new TreeSet<>();
    for (String name : needed()) {
      if (name.startsWith(libraryPrefix) && !allInJar.contains(name)) {
        missing.add(name);
      }
    }
    return missing;
  }

  /** Every class reached: referenced by reached code, holding a reached method, or a super type of one of those. */
  Set<String> needed() {
    Set<String> needed = new HashSet<>(referenced);
    for (String method : reachedMethods) {
      needed.add(method.substring(0, method.indexOf('.')));
    }
    for (String name : List.copyOf(needed)) {
      needed.addAll(superTypes.getOrDefault(name, Set.of()));
    }
    return needed;
  }

  /** Classes outside the analysis whose constant pool names the analysed library (should be none). */
  List<String> foreignReferences() {
    return foreign;
  }

  private void read(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    Map<String, MethodInfo> methods = new HashMap<>();
    String name = reader.getClassName();
    reader.accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String methodName, String descriptor, String signature,
          String[] exceptions) {
        MethodInfo method = new MethodInfo(name, methodName + descriptor, access, new ArrayList<>(),
            new HashSet<>(), new HashSet<>(), new HashSet<>());
        methods.put(method.nameAndDescriptor(), method);
        return new CodeScanner(method);
      }
    }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    classes.put(name, new ClassInfo(name, reader.getSuperName(), List.of(reader.getInterfaces()),
        reader.getAccess(), methods, bytes));
  }

  private Set<String> collectSuperTypes(String name) {
    Set<String> all = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(name));
    while (!todo.isEmpty()) {
      ClassInfo c = classes.get(todo.pop());
      if (c == null) {
        continue;
      }
      List<String> direct = new ArrayList<>(c.interfaces());
      if (c.superName() != null) {
        direct.add(c.superName());
      }
      for (String s : direct) {
        if (all.add(s)) {
          todo.push(s);
        }
      }
    }
    return all;
  }

  private void run() {
    while (!work.isEmpty()) {
      MethodInfo method = work.pop();
      method.referencedTypes().forEach(this::reference);
      method.initializedTypes().forEach(this::initialize);
      method.instantiatedTypes().forEach(this::instantiate);
      for (String[] call : method.calls()) {
        String kind = call[0];
        String owner = call[1];
        String nameAndDescriptor = call[2];
        reference(owner);
        if (kind.equals("static")) {
          initialize(owner);
        }
        MethodInfo resolved = resolve(owner, nameAndDescriptor);
        if (resolved != null && (!kind.equals("virtual") || (resolved.access() & Opcodes.ACC_PRIVATE) != 0)) {
          reach(resolved);
        }
        if (kind.equals("virtual")) {
          virtualCall(owner, nameAndDescriptor);
        }
      }
    }
  }

  private void reach(MethodInfo method) {
    if (reachedMethods.add(method.owner() + "." + method.nameAndDescriptor())) {
      work.push(method);
    }
  }

  private void reference(String type) {
    if (referenced.add(type) && classes.containsKey(type)) {
      annotationValueTypes(classes.get(type)).forEach(this::initialize);
    }
  }

  private void initialize(String type) {
    reference(type);
    if (initialized.add(type) && classes.containsKey(type)) {
      ClassInfo c = classes.get(type);
      MethodInfo clinit = c.methods().get("<clinit>()V");
      if (clinit != null) {
        reach(clinit);
      }
      if (c.superName() != null) {
        initialize(c.superName());
      }
    }
  }

  private void instantiate(String type) {
    if (!classes.containsKey(type) || !instantiated.add(type)) {
      return;
    }
    initialize(type);
    Set<String> supers = superTypes.get(type);
    boolean calledBack = supers.stream().anyMatch(s -> !classes.containsKey(s) && !MARKER_INTERFACES.contains(s));
    for (String s = type; s != null && classes.containsKey(s); s = classes.get(s).superName()) {
      for (MethodInfo m : classes.get(s).methods().values()) {
        boolean instanceMethod = (m.access() & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT)) == 0
            && !m.nameAndDescriptor().startsWith("<");
        if (instanceMethod && (isObjectMethod(m.nameAndDescriptor()) || calledBack && (m.access() & Opcodes.ACC_PRIVATE) == 0)) {
          reach(m);
        }
      }
    }
    for (Map.Entry<String, Set<String>> call : virtualCalls.entrySet()) {
      for (String owner : call.getValue()) {
        if (receives(type, owner)) {
          dispatch(type, call.getKey()).forEach(this::reach);
          break;
        }
      }
    }
  }

  private void virtualCall(String owner, String nameAndDescriptor) {
    if (!virtualCalls.computeIfAbsent(nameAndDescriptor, k -> new HashSet<>()).add(owner)) {
      return;
    }
    for (String type : List.copyOf(instantiated)) {
      if (receives(type, owner)) {
        dispatch(type, nameAndDescriptor).forEach(this::reach);
      }
    }
  }

  /** Whether an instance of {@code type} may receive a call made on {@code owner}. */
  private boolean receives(String type, String owner) {
    return !classes.containsKey(owner) || type.equals(owner) || superTypes.get(type).contains(owner);
  }

  /** The method a call on an instance of {@code type} runs: its class's or a super class's, else any default method. */
  private List<MethodInfo> dispatch(String type, String nameAndDescriptor) {
    for (String s = type; s != null && classes.containsKey(s); s = classes.get(s).superName()) {
      MethodInfo m = classes.get(s).methods().get(nameAndDescriptor);
      if (m != null && (m.access() & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0) {
        return (m.access() & Opcodes.ACC_ABSTRACT) == 0 ? List.of(m) : List.of();
      }
    }
    List<MethodInfo> defaults = new ArrayList<>();
    for (String s : superTypes.get(type)) {
      ClassInfo c = classes.get(s);
      MethodInfo m = c == null ? null : c.methods().get(nameAndDescriptor);
      if (m != null && (m.access() & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_STATIC)) == 0) {
        defaults.add(m);
      }
    }
    return defaults;
  }

  /** The method a static, special or private call names: declared in {@code owner}, a super class, or a super interface. */
  private MethodInfo resolve(String owner, String nameAndDescriptor) {
    for (String s = owner; s != null && classes.containsKey(s); s = classes.get(s).superName()) {
      MethodInfo m = classes.get(s).methods().get(nameAndDescriptor);
      if (m != null) {
        return m;
      }
    }
    for (String s : superTypes.getOrDefault(owner, Set.of())) {
      ClassInfo c = classes.get(s);
      MethodInfo m = c == null ? null : c.methods().get(nameAndDescriptor);
      if (m != null && (m.access() & Opcodes.ACC_ABSTRACT) == 0) {
        return m;
      }
    }
    return null;
  }

  private static boolean isObjectMethod(String nameAndDescriptor) {
    return Set.of("equals(Ljava/lang/Object;)Z", "hashCode()I", "toString()Ljava/lang/String;", "finalize()V",
        "clone()Ljava/lang/Object;").contains(nameAndDescriptor);
  }

  /**
   * The classes and enum types that a class's annotations and its annotation methods' defaults hold
   * as values: Byte Buddy loads them by name when it reads an annotation, and reflection when a
   * value is read. An annotation's own type is not among them, nor the values of an annotation whose
   * type the jar lacks: reflection skips such an annotation whole (as Byte Buddy's build-time {@code
   * HashCodeAndEqualsPlugin} annotations, on all its classes).
   */
  private Set<String> annotationValueTypes(ClassInfo c) {
    Set<String> types = new HashSet<>();
    AnnotationVisitor values = new AnnotationVisitor(Opcodes.ASM9) {
      @Override
      public void visit(String name, Object value) {
        if (value instanceof Type type) {
          Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
          if (element.getSort() == Type.OBJECT) {
            types.add(element.getInternalName());
          }
        }
      }

      @Override
      public void visitEnum(String name, String descriptor, String value) {
        types.add(Type.getType(descriptor).getInternalName());
      }

      @Override
      public AnnotationVisitor visitAnnotation(String name, String descriptor) {
        types.add(Type.getType(descriptor).getInternalName());
        return this;
      }

      @Override
      public AnnotationVisitor visitArray(String name) {
        return this;
      }
    };
    new ClassReader(c.bytes()).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
        return readable(descriptor) ? values : null;
      }

      @Override
      public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        return new FieldVisitor(Opcodes.ASM9) {
          @Override
          public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
            return readable(annotation) ? values : null;
          }
        };
      }

      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
            return readable(annotation) ? values : null;
          }

          @Override
          public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation, boolean visible) {
            return readable(annotation) ? values : null;
          }

          @Override
          public AnnotationVisitor visitAnnotationDefault() {
            return values;
          }
        };
      }
    }, ClassReader.SKIP_CODE);
    return types;
  }

  /** Whether an annotation of this type can be read: its type is in the jar, or outside the jar's own packages. */
  private boolean readable(String annotationDescriptor) {
    String type = Type.getType(annotationDescriptor).getInternalName();
    return allInJar.contains(type) || !type.startsWith("org/prov4ml/");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Records what one method's code calls, creates, initializes and names. */
  private static final class CodeScanner extends MethodVisitor {
    private final MethodInfo method;

    CodeScanner(MethodInfo method) {
      super(Opcodes.ASM9);
      this.method = method;
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      String element = type.startsWith("[") ? elementType(Type.getObjectType(type)) : type;
      if (element == null) {
        return;
      }
      if (opcode == Opcodes.NEW) {
        method.instantiatedTypes().add(element);
      } else {
        method.referencedTypes().add(element);
      }
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
      String element = elementType(Type.getType(descriptor));
      if (element != null) {
        method.referencedTypes().add(element);
      }
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      if (opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC) {
        method.initializedTypes().add(owner);
      } else {
        method.referencedTypes().add(owner);
      }
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
      if (owner.startsWith("[")) {
        return; // clone() of an array
      }
      String kind = switch (opcode) {
        case Opcodes.INVOKESTATIC -> "static";
        case Opcodes.INVOKESPECIAL -> "special";
        default -> "virtual";
      };
      method.calls().add(new String[] {kind, owner, name + descriptor});
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
      handle(bootstrap);
      constants(arguments);
    }

    @Override
    public void visitLdcInsn(Object value) {
      constants(value);
    }

    @Override
    public void visitTryCatchBlock(org.objectweb.asm.Label start, org.objectweb.asm.Label end,
        org.objectweb.asm.Label handler, String type) {
      if (type != null) {
        method.referencedTypes().add(type);
      }
    }

    private void constants(Object... values) {
      for (Object value : values) {
        if (value instanceof Type type) {
          String element = type.getSort() == Type.METHOD ? null : elementType(type);
          if (element != null) {
            method.referencedTypes().add(element);
          }
        } else if (value instanceof Handle handle) {
          handle(handle);
        } else if (value instanceof ConstantDynamic constant) {
          handle(constant.getBootstrapMethod());
          for (int i = 0; i < constant.getBootstrapMethodArgumentCount(); i++) {
            constants(constant.getBootstrapMethodArgument(i));
          }
        }
      }
    }

    /** A method handle, to a lambda's body for example: the method it names runs, by any dispatch. */
    private void handle(Handle handle) {
      method.initializedTypes().add(handle.getOwner());
      if (handle.getTag() <= Opcodes.H_PUTSTATIC) {
        return;
      }
      String nameAndDescriptor = handle.getName() + handle.getDesc();
      method.calls().add(new String[] {"special", handle.getOwner(), nameAndDescriptor});
      method.calls().add(new String[] {"virtual", handle.getOwner(), nameAndDescriptor});
    }

    private static String elementType(Type type) {
      Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
      return element.getSort() == Type.OBJECT ? element.getInternalName() : null;
    }
  }
}
