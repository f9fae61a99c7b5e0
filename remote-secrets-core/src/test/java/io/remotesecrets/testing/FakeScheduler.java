package io.remotesecrets.testing;

import io.remotesecrets.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Scheduler} on a {@link FakeClock}: tasks run only from {@link #advance(Duration)}, in
 * time order, on the calling thread. Use with a direct fetch executor ({@code Runnable::run}) to
 * make the SecretManager fully deterministic.
 */
public final class FakeScheduler implements Scheduler {
  private final FakeClock clock;
  private final List<Task> tasks = new ArrayList<>();
  private long seq;

  private final class Task implements Cancellable {
    final Instant at;
    final long order;
    final Runnable run;
    boolean cancelled;

    Task(Instant at, long order, Runnable run) {
      this.at = at;
      this.order = order;
      this.run = run;
    }

    @Override
    public void cancel() {
      synchronized (FakeScheduler.this) {
        cancelled = true;
        tasks.remove(this);
      }
    }
  }

  public FakeScheduler(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    Task t = new Task(clock.instant().plus(delay), seq++, task);
    tasks.add(t);
    return t;
  }

  /** Moves the clock forward, running every task that falls due, each at its own time. */
  public void advance(Duration d) {
    Instant end = clock.instant().plus(d);
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.stream().filter(t -> !t.at.isAfter(end))
            .min(Comparator.comparing((Task t) -> t.at).thenComparingLong(t -> t.order)).orElse(null);
        if (next == null) break;
        tasks.remove(next);
      }
      if (next.at.isAfter(clock.instant())) clock.advance(Duration.between(clock.instant(), next.at));
      next.run.run();
    }
    if (end.isAfter(clock.instant())) clock.advance(Duration.between(clock.instant(), end));
  }

  /** Delay until the next pending task, if any. */
  public synchronized Optional<Duration> nextDelay() {
    return tasks.stream().map(t -> t.at).min(Comparator.naturalOrder())
        .map(at -> Duration.between(clock.instant(), at));
  }

  public synchronized int pending() {
    return tasks.size();
  }
}
