package io.cardinal.promql.engine;

import io.cardinal.tsdb.query.Querier;
import java.util.LinkedHashSet;

/**
 * State shared by all evaluators of one query: storage, limits, deadline, annotations, sample
 * accounting.
 */
final class QueryContext {
  final Querier querier;
  final EngineOptions opts;
  final long queryStart;
  final long queryEnd;
  final long queryStep;
  final long deadlineNanos;
  final LinkedHashSet<String> warnings = new LinkedHashSet<>();
  final LinkedHashSet<String> infos = new LinkedHashSet<>();
  final Evaluator.SampleBuf buf = new Evaluator.SampleBuf();
  private long samples;
  private long peakSamples;
  private int checks;

  QueryContext(
      Querier querier,
      EngineOptions opts,
      long queryStart,
      long queryEnd,
      long queryStep,
      long deadlineNanos) {
    this.querier = querier;
    this.opts = opts;
    this.queryStart = queryStart;
    this.queryEnd = queryEnd;
    this.queryStep = queryStep;
    this.deadlineNanos = deadlineNanos;
  }

  void checkDeadline() {
    if ((++checks & 63) != 0) {
      return;
    }
    checkDeadlineNow();
  }

  void checkDeadlineNow() {
    if (Thread.currentThread().isInterrupted()) {
      throw QueryException.canceled("expression evaluation");
    }
    if (System.nanoTime() - deadlineNanos > 0) {
      throw QueryException.timeout("expression evaluation");
    }
  }

  /** Samples now held in memory; fails like Prometheus once more than max_samples are held. */
  void addSamples(long k) {
    samples += k;
    if (samples > opts.maxSamples()) {
      throw QueryException.tooManySamples();
    }
    peakSamples = Math.max(peakSamples, samples);
  }

  void releaseSamples(long k) {
    samples -= k;
  }

  long peakSamples() {
    return peakSamples;
  }

  void warn(String msg) {
    warnings.add("PromQL warning: " + msg);
  }

  void info(String msg) {
    infos.add("PromQL info: " + msg);
  }
}
