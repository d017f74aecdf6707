package io.cardinal.tsdb.query;

/** Iterates float samples in timestamp order. Implementations are reusable where documented. */
public interface SampleIterator {
  /** Advances; false when exhausted or on error. */
  boolean next();

  /** Advances to the first sample at or after {@code t}; never moves backwards. */
  boolean seek(long t);

  long timestamp();

  double value();

  /** Null, or why iteration stopped early (for example a corrupt chunk). */
  default String error() {
    return null;
  }

  SampleIterator EMPTY =
      new SampleIterator() {
        @Override
        public boolean next() {
          return false;
        }

        @Override
        public boolean seek(long t) {
          return false;
        }

        @Override
        public long timestamp() {
          throw new IllegalStateException("empty iterator");
        }

        @Override
        public double value() {
          throw new IllegalStateException("empty iterator");
        }
      };
}
