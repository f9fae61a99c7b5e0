package io.remotesecrets;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs delayed tasks for the {@link SecretManager}'s refreshes and retries. Injected so that
 * tests can run refresh, backoff and staleness on fake time.
 */
@FunctionalInterface
public interface Scheduler {

  /** Runs {@code task} once after {@code delay}, unless cancelled first. */
  Cancellable schedule(Runnable task, Duration delay);

  /** A scheduled task. */
  @FunctionalInterface
  interface Cancellable {
    /** Prevents the task from running if it has not started; does nothing otherwise. */
    void cancel();
  }

  /** A scheduler on one daemon thread. {@link #close} the returned executor's owner to stop it. */
  static Scheduler onDaemonThread(String name) {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    return new SystemScheduler(executor);
  }

  /** Stops a scheduler made by {@link #onDaemonThread}; other schedulers are left alone. */
  static void close(Scheduler scheduler) {
    if (scheduler instanceof SystemScheduler s) s.executor().shutdownNow();
  }

  /** The JDK-backed scheduler. */
  record SystemScheduler(ScheduledThreadPoolExecutor executor) implements Scheduler {
    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
      var future = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    }
  }
}
