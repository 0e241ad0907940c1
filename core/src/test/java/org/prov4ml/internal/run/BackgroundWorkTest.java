package org.prov4ml.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.prov4ml.internal.pipeline.FailureCounts;

class BackgroundWorkTest {

  private final FailureCounts failures = new FailureCounts();
  private final BackgroundWork work = new BackgroundWork("test", failures);
  private final List<String> log = new CopyOnWriteArrayList<>();

  @Test
  void runsTasksInOrderOffTheCallersThreadAndCountsFailures() {
    Thread caller = Thread.currentThread();
    work.submit("first", () -> log.add("first on " + (Thread.currentThread() == caller ? "caller" : "background")));
    work.submit("broken", () -> {
      throw new IllegalStateException("unreadable");
    });
    work.submit("last", () -> log.add("last"));
    assertTrue(work.finish(Duration.ofSeconds(10)));
    assertEquals(List.of("first on background", "last"), log);
    assertEquals(1L, failures.snapshot().get("broken"));
  }

  @Test
  void whatIsNotDoneAtTheTimeoutIsInterruptedAndSaysWhy() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    work.submit("slow", task(() -> {
      started.countDown();
      Thread.sleep(60_000);
    }, "slow"));
    work.submit("queued", task(() -> log.add("queued ran"), "queued"));
    started.await();
    assertFalse(work.finish(Duration.ofMillis(100)));
    assertEquals(2, log.size(), log.toString());
    assertTrue(log.get(0).startsWith("slow abandoned: the run ended first (waited 100 ms"), log.toString());
    assertTrue(log.get(1).startsWith("queued abandoned"), log.toString());
    assertEquals(1L, failures.snapshot().get("slow"));
    work.submit("late", task(() -> log.add("late ran"), "late"));
    assertEquals("late abandoned: the run had ended", log.get(2));
  }

  private BackgroundWork.Task task(BackgroundWork.Task body, String name) {
    return new BackgroundWork.Task() {
      @Override
      public void run() throws Exception {
        body.run();
      }

      @Override
      public void abandoned(String why) {
        log.add(name + " abandoned: " + why);
      }
    };
  }
}
