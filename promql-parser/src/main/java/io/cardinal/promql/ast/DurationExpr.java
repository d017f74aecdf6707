package io.cardinal.promql.ast;

import java.util.Objects;

/**
 * A duration: a literal ({@code 5m}, {@code 30}) or, as allowed by Prometheus 3, an arithmetic
 * duration expression ({@code 5m * 2}, {@code step() + 1s}, {@code min_of(range(), 1h)}) used for
 * ranges, subquery steps and offsets. Values are in seconds.
 */
public sealed interface DurationExpr {

  /**
   * Evaluates the expression in seconds, given the query step and range ({@code step()}/{@code
   * range()}).
   */
  double evaluateSeconds(long stepMillis, long rangeMillis);

  /** Evaluates the expression and rounds to whole milliseconds. */
  default long evaluateMillis(long stepMillis, long rangeMillis) {
    return Math.round(evaluateSeconds(stepMillis, rangeMillis) * 1000.0);
  }

  /** Whether this is a plain literal (no arithmetic, no step()/range()). */
  default boolean isLiteral() {
    return this instanceof Literal;
  }

  /** The value of a literal in milliseconds. */
  default long literalMillis() {
    if (this instanceof Literal l) {
      return Math.round(l.seconds() * 1000.0);
    }
    throw new IllegalStateException("not a literal duration: " + Printer.printDuration(this));
  }

  /**
   * A number literal ({@code 30}, {@code duration == false}) or a duration literal ({@code 1h30m},
   * {@code duration == true}); {@code seconds} may be negative for offsets. {@code position} is
   * where the literal, or the sign folded into it, was written; like an expression's, it is not
   * part of the value.
   */
  record Literal(double seconds, boolean duration, Position position) implements DurationExpr {
    public Literal {
      Objects.requireNonNull(position, "position");
    }

    public Literal(double seconds, boolean duration) {
      this(seconds, duration, Position.UNKNOWN);
    }

    @Override
    public double evaluateSeconds(long stepMillis, long rangeMillis) {
      return seconds;
    }

    @Override
    public String toString() {
      return Printer.printDuration(this);
    }
  }

  enum Op {
    ADD("+"),
    SUB("-"),
    MUL("*"),
    DIV("/"),
    MOD("%"),
    POW("^");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    int precedence() {
      return switch (this) {
        case ADD, SUB -> 1;
        case MUL, DIV, MOD -> 2;
        case POW -> 4;
      };
    }
  }

  record Binary(Op op, DurationExpr lhs, DurationExpr rhs) implements DurationExpr {
    public Binary {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(lhs, "lhs");
      Objects.requireNonNull(rhs, "rhs");
    }

    @Override
    public double evaluateSeconds(long stepMillis, long rangeMillis) {
      double l = lhs.evaluateSeconds(stepMillis, rangeMillis);
      double r = rhs.evaluateSeconds(stepMillis, rangeMillis);
      return switch (op) {
        case ADD -> l + r;
        case SUB -> l - r;
        case MUL -> l * r;
        case DIV -> l / r;
        case MOD -> l % r;
        case POW -> Math.pow(l, r);
      };
    }

    @Override
    public String toString() {
      return Printer.printDuration(this);
    }
  }

  /** Unary minus applied to a non-literal duration expression. */
  record Negate(DurationExpr expr) implements DurationExpr {
    public Negate {
      Objects.requireNonNull(expr, "expr");
    }

    @Override
    public double evaluateSeconds(long stepMillis, long rangeMillis) {
      return -expr.evaluateSeconds(stepMillis, rangeMillis);
    }

    @Override
    public String toString() {
      return Printer.printDuration(this);
    }
  }

  /** {@code step()}: the range query step, 0 for instant queries. */
  record Step() implements DurationExpr {
    @Override
    public double evaluateSeconds(long stepMillis, long rangeMillis) {
      return stepMillis / 1000.0;
    }

    @Override
    public String toString() {
      return "step()";
    }
  }

  /** {@code range()}: end - start of a range query, 0 for instant queries. */
  record Range() implements DurationExpr {
    @Override
    public double evaluateSeconds(long stepMillis, long rangeMillis) {
      return rangeMillis / 1000.0;
    }

    @Override
    public String toString() {
      return "range()";
    }
  }

  /** {@code min_of(a, b)} or {@code max_of(a, b)}. */
  record MinMax(boolean max, DurationExpr a, DurationExpr b) implements DurationExpr {
    public MinMax {
      Objects.requireNonNull(a, "a");
      Objects.requireNonNull(b, "b");
    }

    @Override
    public double evaluateSeconds(long stepMillis, long rangeMillis) {
      double x = a.evaluateSeconds(stepMillis, rangeMillis);
      double y = b.evaluateSeconds(stepMillis, rangeMillis);
      return max ? Math.max(x, y) : Math.min(x, y);
    }

    @Override
    public String toString() {
      return Printer.printDuration(this);
    }
  }
}
