package org.prov4ml.internal.inputs;

import java.lang.reflect.Field;

/**
 * Reads DJL's private fields. DJL 0.36 exposes neither an optimizer's learning-rate tracker nor a
 * data set's sampler or source, nor the optimizer a trainer was built with; the field names are those of
 * DJL 0.36 (see the DJL notes) and a missing one reads as null, never as an error.
 */
public final class PrivateFields {

  private PrivateFields() {}

  /** The field declared by {@code type} or a superclass, made accessible, or null. */
  public static Field find(Class<?> type, String name) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        Field field = c.getDeclaredField(name);
        field.setAccessible(true);
        return field;
      } catch (NoSuchFieldException e) {
        // declared higher up, or not at all
      } catch (RuntimeException e) {
        return null; // inaccessible (a module that does not open its package)
      }
    }
    return null;
  }

  /** The value of {@code target.name}, or null when there is no such field or no target. */
  public static Object read(Object target, String name) {
    if (target == null) {
      return null;
    }
    Field field = find(target.getClass(), name);
    try {
      return field == null ? null : field.get(target);
    } catch (IllegalAccessException e) {
      return null;
    }
  }

  /** The value of a field of {@code target}, or null when it cannot be read. */
  public static Object read(Object target, Field field) {
    try {
      field.setAccessible(true);
      return field.get(target);
    } catch (IllegalAccessException | RuntimeException e) {
      return null; // inaccessible (a module that does not open its package)
    }
  }
}
