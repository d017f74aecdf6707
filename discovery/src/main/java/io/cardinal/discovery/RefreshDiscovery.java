package io.cardinal.discovery;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A discovery that asks a server every refresh interval (HTTP, DNS). The request runs on the
 * discovery executor, never on the poller, so a slow or dead endpoint holds up no other pool's
 * discovery; when it finishes, {@code onResult} asks for a poll that applies it. A failed refresh
 * keeps the targets of the last successful one, as in Prometheus, and is counted.
 */
public abstract class RefreshDiscovery implements Discoverer {
  private static final Logger log = LoggerFactory.getLogger(RefreshDiscovery.class);

  private final long intervalMs;
  private final Executor executor;
  private final Runnable onResult;
  private final LongAdder failures;
  private List<TargetGroup> groups = List.of();
  private long lastStart = Long.MIN_VALUE;
  private CompletableFuture<List<TargetGroup>> pending;

  protected RefreshDiscovery(
      long intervalMs, Executor executor, Runnable onResult, LongAdder failures) {
    this.intervalMs = intervalMs;
    this.executor = executor;
    this.onResult = onResult;
    this.failures = failures;
  }

  /** One refresh: the whole current list of groups, or an exception saying what went wrong. */
  protected abstract List<TargetGroup> refresh() throws Exception;

  /** For log lines: which mechanism and where. */
  protected abstract String describe();

  @Override
  public synchronized boolean poll(long nowMs) {
    boolean changed = false;
    if (pending != null && pending.isDone()) {
      try {
        List<TargetGroup> r = pending.join();
        if (!r.equals(groups)) {
          groups = List.copyOf(r);
          changed = true;
        }
      } catch (CompletionException e) {
        failures.increment();
        Throwable cause = e.getCause() == null ? e : e.getCause();
        log.error(
            "msg=\"Unable to refresh target groups\" component=\"discovery manager\" discovery={}"
                + " err=\"{}\"",
            describe(),
            cause.getMessage() == null ? cause.toString() : cause.getMessage());
      }
      pending = null;
    }
    if (pending == null && (lastStart == Long.MIN_VALUE || nowMs - lastStart >= intervalMs)) {
      lastStart = nowMs;
      pending =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return refresh();
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              },
              executor);
      pending.whenComplete((r, e) -> onResult.run());
    }
    return changed;
  }

  @Override
  public synchronized List<TargetGroup> groups() {
    return groups;
  }
}
