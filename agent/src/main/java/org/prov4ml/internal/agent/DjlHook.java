package org.prov4ml.internal.agent;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One instrumented method of DJL: a switch ({@code prov4ml.instrument.<name>.enabled}), the type
 * and the method, matched by its full signature, and the advice inlined into it. The method's
 * signature is also the shape the agent expects of that DJL release: a DJL where it matches no
 * method is not instrumented at all ({@link DjlInstrumentation#shapeMismatch}).
 *
 * @param name the switch name
 * @param type the DJL class, by name (matched by name, so no DJL class is loaded to instrument it)
 * @param signature that method as a person reads it, for messages: {@code step()}
 * @param method the one method of {@code type} the advice goes into
 * @param advice the advice class, by name
 * @param optional whether a DJL without {@code type} is still instrumented (an engine's class, such as the
 *     PyTorch engine's model: an application of another engine does not have it); a {@code type} that is
 *     there must still have the method
 */
record DjlHook(String name, String type, String signature, ElementMatcher.Junction<MethodDescription> method,
    String advice, boolean optional) {

  /** A hook of DJL's API, which every DJL has. */
  DjlHook(String name, String type, String signature, ElementMatcher.Junction<MethodDescription> method,
      String advice) {
    this(name, type, signature, method, advice, false);
  }
}
