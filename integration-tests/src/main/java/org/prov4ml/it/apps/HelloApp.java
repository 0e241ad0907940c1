package org.prov4ml.it.apps;

/** Hello world: the agent's start-up cost on a JVM that never touches DJL, and that it creates no run. */
public final class HelloApp {

  private HelloApp() {}

  public static void main(String[] args) {
    System.out.println("hello");
    System.out.println("DONE");
  }
}
