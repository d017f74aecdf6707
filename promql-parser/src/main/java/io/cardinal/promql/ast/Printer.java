package io.cardinal.promql.ast;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Renders an AST as canonical PromQL, following Prometheus' {@code Expr.String()}: single spaces
 * around binary operators, {@code sum by (job) (x)}, durations as {@code 1h30m}, numbers formatted
 * like Go's {@code %v}. Parentheses present in the source are kept as {@link ParenExpr}; for
 * hand-built trees the printer adds the parentheses that precedence requires.
 */
public final class Printer {

  private static final Pattern LEGACY_LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern LEGACY_METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private Printer() {}

  public static String print(Expr expr) {
    try {
      return printOnCurrentStack(expr);
    } catch (StackOverflowError e) {
      // Very deep trees (thousands of nested nodes): retry on a thread with a large stack.
      java.util.concurrent.FutureTask<String> task =
          new java.util.concurrent.FutureTask<>(() -> printOnCurrentStack(expr));
      Thread t = new Thread(null, task, "promql-deep-print", 512L * 1024 * 1024);
      t.setDaemon(true);
      t.start();
      try {
        return task.get();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while printing", ie);
      } catch (java.util.concurrent.ExecutionException ee) {
        throw new IllegalStateException("expression too deep to print", ee.getCause());
      }
    }
  }

  private static String printOnCurrentStack(Expr expr) {
    StringBuilder sb = new StringBuilder();
    write(sb, expr);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Expr expr) {
    if (expr instanceof NumberLiteral n) {
      sb.append(formatNumber(n.value()));
    } else if (expr instanceof StringLiteral s) {
      sb.append(quote(s.value()));
    } else if (expr instanceof ParenExpr p) {
      sb.append('(');
      write(sb, p.expr());
      sb.append(')');
    } else if (expr instanceof UnaryExpr u) {
      sb.append(u.negate() ? '-' : '+');
      writeOperand(sb, u.expr(), BinaryOp.UNARY_PRECEDENCE, false);
    } else if (expr instanceof VectorSelector vs) {
      writeSelector(sb, vs);
      writeModifiers(sb, vs.at(), vs.offset());
      writeRangeModifiers(sb, vs);
    } else if (expr instanceof MatrixSelector ms) {
      writeSelector(sb, ms.selector());
      sb.append('[').append(printDuration(ms.range())).append(']');
      writeModifiers(sb, ms.selector().at(), ms.selector().offset());
      writeRangeModifiers(sb, ms.selector());
    } else if (expr instanceof SubqueryExpr sq) {
      writeOperand(sb, sq.expr(), Integer.MAX_VALUE, false);
      sb.append('[').append(printDuration(sq.range())).append(':');
      if (sq.step() != null) {
        sb.append(printDuration(sq.step()));
      }
      sb.append(']');
      writeModifiers(sb, sq.at(), sq.offset());
    } else if (expr instanceof Call c) {
      sb.append(c.function().name()).append('(');
      writeList(sb, c.args());
      sb.append(')');
    } else if (expr instanceof AggregateExpr a) {
      sb.append(a.op().keyword());
      if (a.without()) {
        sb.append(" without (").append(joinLabels(a.grouping())).append(") ");
      } else if (!a.grouping().isEmpty()) {
        sb.append(" by (").append(joinLabels(a.grouping())).append(") ");
      }
      sb.append('(');
      if (a.param() != null) {
        write(sb, a.param());
        sb.append(", ");
      }
      write(sb, a.expr());
      sb.append(')');
    } else if (expr instanceof BinaryExpr b) {
      writeBinary(sb, b);
    } else {
      throw new IllegalArgumentException("unknown node " + expr);
    }
  }

  private static void writeBinary(StringBuilder sb, BinaryExpr b) {
    int prec = b.op().precedence();
    writeOperand(sb, b.lhs(), prec, b.op().isRightAssociative(), true);
    sb.append(' ').append(b.op().symbol());
    if (b.returnBool()) {
      sb.append(" bool");
    }
    VectorMatching vm = b.matching();
    if (vm != null) {
      boolean grouped =
          vm.cardinality() == VectorMatching.Cardinality.MANY_TO_ONE
              || vm.cardinality() == VectorMatching.Cardinality.ONE_TO_MANY;
      if (!vm.matchingLabels().isEmpty() || vm.on() || grouped) {
        sb.append(vm.on() ? " on (" : " ignoring (")
            .append(joinLabels(vm.matchingLabels()))
            .append(')');
        if (grouped) {
          sb.append(
                  vm.cardinality() == VectorMatching.Cardinality.MANY_TO_ONE
                      ? " group_left ("
                      : " group_right (")
              .append(joinLabels(vm.include()))
              .append(')');
        }
      }
      if (vm.fillLeft() != null
          && vm.fillRight() != null
          && Double.compare(vm.fillLeft(), vm.fillRight()) == 0) {
        sb.append(" fill (").append(formatNumber(vm.fillLeft())).append(')');
      } else {
        if (vm.fillLeft() != null) {
          sb.append(" fill_left (").append(formatNumber(vm.fillLeft())).append(')');
        }
        if (vm.fillRight() != null) {
          sb.append(" fill_right (").append(formatNumber(vm.fillRight())).append(')');
        }
      }
    }
    sb.append(' ');
    writeOperand(sb, b.rhs(), prec, !b.op().isRightAssociative(), false);
  }

  /** Writes a child, adding parentheses if its precedence is too low for the given context. */
  private static void writeOperand(StringBuilder sb, Expr child, int contextPrec, boolean strict) {
    writeOperand(sb, child, contextPrec, strict, true);
  }

  /**
   * Writes a child, adding parentheses if its precedence is too low for the given context. A prefix
   * operator on the right-hand side never needs parentheses: it always starts a new operand.
   */
  private static void writeOperand(
      StringBuilder sb, Expr child, int contextPrec, boolean strict, boolean left) {
    int childPrec = precedenceOf(child);
    if (!left && childPrec == BinaryOp.UNARY_PRECEDENCE) {
      childPrec = Integer.MAX_VALUE;
    }
    boolean parens = strict ? childPrec <= contextPrec : childPrec < contextPrec;
    if (parens) {
      sb.append('(');
      write(sb, child);
      sb.append(')');
    } else {
      write(sb, child);
    }
  }

  private static int precedenceOf(Expr e) {
    if (e instanceof BinaryExpr b) {
      return b.op().precedence();
    }
    if (e instanceof UnaryExpr) {
      return BinaryOp.UNARY_PRECEDENCE;
    }
    if (e instanceof NumberLiteral n && (n.value() < 0 || (n.value() == 0 && 1 / n.value() < 0))) {
      return BinaryOp.UNARY_PRECEDENCE;
    }
    return Integer.MAX_VALUE;
  }

  private static void writeList(StringBuilder sb, List<Expr> args) {
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      write(sb, args.get(i));
    }
  }

  private static void writeSelector(StringBuilder sb, VectorSelector vs) {
    String name = vs.name();
    boolean quotedName = name != null && !LEGACY_METRIC.matcher(name).matches();
    StringBuilder inner = new StringBuilder();
    if (quotedName) {
      inner.append(quote(name));
    }
    for (LabelMatcher m : vs.matchers()) {
      if (name != null
          && m.type() == LabelMatcher.Type.EQ
          && m.name().equals(LabelMatcher.METRIC_NAME)
          && m.value().equals(name)) {
        continue;
      }
      if (inner.length() > 0) {
        inner.append(", ");
      }
      inner.append(m);
    }
    if (name != null && !quotedName) {
      sb.append(name);
    }
    if (inner.length() > 0 || name == null) {
      sb.append('{').append(inner).append('}');
    }
  }

  private static void writeModifiers(StringBuilder sb, AtModifier at, DurationExpr offset) {
    if (at != null) {
      sb.append(' ').append(at);
    }
    if (offset != null) {
      sb.append(" offset ").append(printOffset(offset));
    }
  }

  private static void writeRangeModifiers(StringBuilder sb, VectorSelector vs) {
    if (vs.anchored()) {
      sb.append(" anchored");
    }
    if (vs.smoothed()) {
      sb.append(" smoothed");
    }
  }

  private static String printOffset(DurationExpr d) {
    if (d instanceof DurationExpr.Literal
        || d instanceof DurationExpr.Step
        || d instanceof DurationExpr.Range
        || d instanceof DurationExpr.MinMax) {
      return printDuration(d);
    }
    if (d instanceof DurationExpr.Negate n && !(n.expr() instanceof DurationExpr.Binary)) {
      return "-" + printDuration(n.expr());
    }
    return "(" + printDuration(d) + ")";
  }

  /** Renders a duration (expression) as it appears inside brackets. */
  public static String printDuration(DurationExpr d) {
    StringBuilder sb = new StringBuilder();
    writeDuration(sb, d);
    return sb.toString();
  }

  private static void writeDuration(StringBuilder sb, DurationExpr d) {
    if (d instanceof DurationExpr.Literal l) {
      sb.append(l.duration() ? formatDurationSeconds(l.seconds()) : formatNumber(l.seconds()));
    } else if (d instanceof DurationExpr.Step) {
      sb.append("step()");
    } else if (d instanceof DurationExpr.Range) {
      sb.append("range()");
    } else if (d instanceof DurationExpr.MinMax mm) {
      sb.append(mm.max() ? "max_of(" : "min_of(");
      writeDuration(sb, mm.a());
      sb.append(", ");
      writeDuration(sb, mm.b());
      sb.append(')');
    } else if (d instanceof DurationExpr.Negate n) {
      sb.append('-');
      writeDurationOperand(sb, n.expr(), 3, false, true);
    } else if (d instanceof DurationExpr.Binary b) {
      int prec = b.op().precedence();
      boolean pow = b.op() == DurationExpr.Op.POW;
      writeDurationOperand(sb, b.lhs(), prec, pow, true);
      sb.append(' ').append(b.op().symbol()).append(' ');
      writeDurationOperand(sb, b.rhs(), prec, !pow, false);
    }
  }

  private static void writeDurationOperand(
      StringBuilder sb, DurationExpr child, int contextPrec, boolean strict, boolean left) {
    int childPrec = Integer.MAX_VALUE;
    if (child instanceof DurationExpr.Binary b) {
      childPrec = b.op().precedence();
    } else if (child instanceof DurationExpr.Negate) {
      childPrec = 3;
    } else if (child instanceof DurationExpr.Literal l && l.seconds() < 0) {
      childPrec = 3;
    }
    if (!left && childPrec == 3) {
      childPrec = Integer.MAX_VALUE;
    }
    boolean parens = strict ? childPrec <= contextPrec : childPrec < contextPrec;
    if (parens) {
      sb.append('(');
    }
    writeDuration(sb, child);
    if (parens) {
      sb.append(')');
    }
  }

  /** Formats seconds like Prometheus' model.Duration ({@code 1h30m}, {@code 1w}, {@code 0s}). */
  public static String formatDurationSeconds(double seconds) {
    double ms = seconds * 1000.0;
    if (Double.isNaN(ms)
        || Double.isInfinite(ms)
        || Math.abs(ms) > 9.2e18
        || Math.abs(ms - Math.rint(ms)) > 1e-6 * Math.max(1.0, Math.abs(ms))) {
      return formatNumber(seconds);
    }
    long millis = Math.round(ms);
    if (millis < 0) {
      return "-" + formatDurationMillis(-millis);
    }
    return formatDurationMillis(millis);
  }

  /** Formats a non-negative duration in milliseconds like Prometheus' model.Duration. */
  public static String formatDurationMillis(long millis) {
    if (millis == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long[] remaining = {millis};
    unit(sb, remaining, "y", 1000L * 60 * 60 * 24 * 365, true);
    unit(sb, remaining, "w", 1000L * 60 * 60 * 24 * 7, true);
    unit(sb, remaining, "d", 1000L * 60 * 60 * 24, false);
    unit(sb, remaining, "h", 1000L * 60 * 60, false);
    unit(sb, remaining, "m", 1000L * 60, false);
    unit(sb, remaining, "s", 1000L, false);
    unit(sb, remaining, "ms", 1L, false);
    return sb.toString();
  }

  private static void unit(
      StringBuilder sb, long[] remaining, String unit, long mult, boolean exact) {
    if (exact && remaining[0] % mult != 0) {
      return;
    }
    long v = remaining[0] / mult;
    if (v > 0) {
      sb.append(v).append(unit);
      remaining[0] -= v * mult;
    }
  }

  /** Formats an {@code @} timestamp like Prometheus ({@code %.3f} seconds). */
  public static String formatTimestamp(long millis) {
    return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
  }

  /**
   * Formats a float the way Go's {@code fmt.Sprint(float64)} does ({@code 1e+06}, {@code +Inf},
   * {@code 0.5}).
   */
  public static String formatNumber(double v) {
    return io.cardinal.tsdb.text.GoFloat.formatG(v);
  }

  /** Label name as written in PromQL: bare if it is a legacy name, double-quoted otherwise. */
  public static String labelName(String name) {
    return LEGACY_LABEL.matcher(name).matches() ? name : quote(name);
  }

  private static String joinLabels(List<String> labels) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < labels.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(labelName(labels.get(i)));
    }
    return sb.toString();
  }

  /** Double-quotes a string with Go's escaping rules ({@code strconv.Quote}). */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    sb.append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case 7 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case 11 -> sb.append("\\v");
        default -> {
          if (cp < 0x20 || cp == 0x7f) {
            sb.append(String.format(Locale.ROOT, "\\x%02x", cp));
          } else if (Character.isISOControl(cp)
              || Character.getType(cp) == Character.UNASSIGNED
              || (cp >= 0xD800 && cp <= 0xDFFF)) {
            sb.append(
                cp > 0xFFFF
                    ? String.format(Locale.ROOT, "\\U%08x", cp)
                    : String.format(Locale.ROOT, "\\u%04x", cp));
          } else {
            sb.appendCodePoint(cp);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
