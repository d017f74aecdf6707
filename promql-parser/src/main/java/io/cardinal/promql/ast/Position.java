package io.cardinal.promql.ast;

/**
 * Where a node was written: the offset, in code points, of its first character in the query text.
 *
 * <p>A position is not part of a node's value. Any two positions are equal (and share one hash
 * code) so that records carrying one still compare by structure, as {@link Expr} promises: a parsed
 * tree equals the same tree built by hand, and a query parsed twice with different spacing gives
 * equal trees. Compare {@link #start()} to tell positions apart.
 */
public final class Position {

  /** For nodes built by code rather than parsed. */
  public static final Position UNKNOWN = new Position(-1);

  private final int start;

  public Position(int start) {
    this.start = start;
  }

  /** Code point offset of the node's first character, or -1 if unknown. */
  public int start() {
    return start;
  }

  public boolean isKnown() {
    return start >= 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Position;
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return isKnown() ? "@" + start : "@?";
  }
}
