package io.cardinal.promql;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Runs recursive work over a PromQL expression (parsing, checking, evaluating) on the caller's
 * thread, and once more on a thread with a large stack if the caller's overflows. A query nested
 * 10,000 parentheses deep, or a 5,000-term {@code 1+1+...} chain, recurses that deep in the parser
 * and in the evaluator; Prometheus answers such queries, so Cardinal does too instead of losing the
 * handler thread. The common case pays nothing; the large stack is reserved address space, touched
 * only as deep as the query goes.
 */
public final class DeepStack {
  /** Enough for about a million nested expression levels; only the pages used are committed. */
  static final long STACK_BYTES = 512L * 1024 * 1024;

  private DeepStack() {}

  /** Thrown when even the large stack is not enough. */
  public static final class TooDeepException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooDeepException(String what) {
      super(what + ": expression nesting too deep");
    }
  }

  /**
   * Returns {@code work.get()}, rerun on a large-stack thread if it overflows the caller's stack.
   * {@code work} must be safe to run twice (each run builds its own state). Exceptions of the rerun
   * come through as they are.
   *
   * @throws TooDeepException if the large stack overflows too
   */
  public static <T> T call(String what, Supplier<T> work) {
    try {
      return work.get();
    } catch (StackOverflowError e) {
      return onLargeStack(what, work);
    }
  }

  private static <T> T onLargeStack(String what, Supplier<T> work) {
    FutureTask<T> task = new FutureTask<>(work::get);
    Thread t = new Thread(null, task, "promql-deep-stack", STACK_BYTES);
    t.setDaemon(true);
    t.start();
    try {
      return task.get();
    } catch (InterruptedException ie) {
      // The caller gave up (a client went away, a shutdown): the deep run stops with it.
      t.interrupt();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", ie);
    } catch (ExecutionException ee) {
      Throwable cause = ee.getCause();
      if (cause instanceof StackOverflowError) {
        throw new TooDeepException(what);
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }
}
