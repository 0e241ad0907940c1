package org.prov4ml.internal.inputs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what looks like a secret from text prov4ml records: the value of an option or property
 * whose name contains {@code password}, {@code secret}, {@code token} or {@code key} (any case), and
 * the user and password of a URL ({@code https://user:pw@host} becomes {@code https://host}).
 */
public final class SecretMasking {

  public static final String MASK = "****";

  private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token|key).*");
  /** {@code scheme://user[:password]@}: the credentials part of a URL. */
  private static final Pattern URL_CREDENTIALS = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]+@");
  /** {@code ?name=value} and {@code &name=value} in a URL's query. */
  private static final Pattern QUERY_PARAMETER = Pattern.compile("([?&])([^=&#\\s]+)=([^&#\\s]*)");

  private SecretMasking() {}

  /** Whether a name (of a property, option or parameter) says its value is a secret. */
  public static boolean isSecretName(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  /** {@code text} with URL credentials removed and secret query parameters masked. */
  public static String withoutCredentials(String text) {
    String stripped = URL_CREDENTIALS.matcher(text).replaceAll("$1");
    if (stripped.indexOf('?') < 0) {
      return stripped;
    }
    Matcher m = QUERY_PARAMETER.matcher(stripped);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = isSecretName(m.group(2)) ? MASK : m.group(3);
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * A command line with secrets masked: {@code -Dname=value}, {@code --name=value}, {@code name=value}
   * and {@code --name value} (the next argument) when the name is a secret's, and URL credentials in
   * any argument.
   */
  public static List<String> command(List<String> arguments) {
    List<String> masked = new ArrayList<>(arguments.size());
    boolean maskNext = false;
    for (String argument : arguments) {
      if (maskNext && !argument.startsWith("-")) {
        masked.add(MASK);
        maskNext = false;
        continue;
      }
      maskNext = false;
      int equals = argument.indexOf('=');
      if (equals > 0) {
        String name = argument.substring(0, equals);
        masked.add(isSecretName(name) && !name.startsWith("-javaagent")
            ? name + "=" + MASK : withoutCredentials(argument));
      } else if (argument.startsWith("-") && argument.length() > 1 && isSecretName(argument)
          && !argument.startsWith("-javaagent") && !argument.startsWith("-X")) {
        masked.add(argument);
        maskNext = true;
      } else {
        masked.add(withoutCredentials(argument));
      }
    }
    return masked;
  }

  /** An environment variable's or property's value, masked when its name is a secret's. */
  public static String value(String name, String value) {
    return isSecretName(name.toLowerCase(Locale.ROOT)) ? MASK : withoutCredentials(value);
  }
}
