package io.cardinal.web.query;

import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.NumberLiteral;
import io.cardinal.promql.ast.ParenExpr;
import io.cardinal.promql.ast.Printer;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.UnaryExpr;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Prometheus's {@code Pretty(0)} (what {@code /api/v1/format_query} returns), over Cardinal's AST:
 * an expression whose one-line form ({@link Expr#toPromQL()}) is at most 100 bytes is printed on
 * one line; a longer aggregation, call, binary operation or parenthesised expression is split, its
 * children indented by two spaces per level:
 *
 * <pre>
 * sum by (job) (            binary operands one level deeper,    call(
 *   rate(x[5m])               the operator on its own line:        arg1,
 * )                             lhs                                 arg2
 *                             / ignoring (code)                   )
 *                               rhs
 * </pre>
 *
 * <p>Selectors and literals are never split. A subquery that must be split prints its inner
 * expression at the subquery's own level followed by the {@code [range:step]} suffix; when it need
 * not be split it is printed without indentation, exactly as Prometheus does.
 */
final class PrettyPrinter {
  static final int MAX_LINE = 100;

  private PrettyPrinter() {}

  public static String pretty(Expr e) {
    StringBuilder sb = new StringBuilder();
    write(sb, e, 0);
    return sb.toString();
  }

  private static boolean needsSplit(Expr e) {
    return e.toPromQL().getBytes(StandardCharsets.UTF_8).length > MAX_LINE;
  }

  private static void indent(StringBuilder sb, int level) {
    sb.append("  ".repeat(level));
  }

  private static void write(StringBuilder sb, Expr e, int level) {
    if (e instanceof AggregateExpr a) {
      indent(sb, level);
      if (!needsSplit(a)) {
        sb.append(a.toPromQL());
        return;
      }
      sb.append(a.op().keyword());
      if (a.without()) {
        sb.append(" without (").append(labels(a.grouping())).append(") ");
      } else if (!a.grouping().isEmpty()) {
        sb.append(" by (").append(labels(a.grouping())).append(") ");
      }
      sb.append("(\n");
      if (a.param() != null) {
        write(sb, a.param(), level + 1);
        sb.append(",\n");
      }
      write(sb, a.expr(), level + 1);
      sb.append('\n');
      indent(sb, level);
      sb.append(')');
    } else if (e instanceof BinaryExpr b) {
      if (!needsSplit(b)) {
        indent(sb, level);
        sb.append(b.toPromQL());
        return;
      }
      write(sb, b.lhs(), level + 1);
      sb.append('\n');
      indent(sb, level);
      sb.append(operator(b));
      sb.append('\n');
      write(sb, b.rhs(), level + 1);
    } else if (e instanceof Call c) {
      indent(sb, level);
      if (!needsSplit(c)) {
        sb.append(c.toPromQL());
        return;
      }
      sb.append(c.function().name()).append("(\n");
      List<Expr> args = c.args();
      for (int i = 0; i < args.size(); i++) {
        if (i > 0) {
          sb.append(",\n");
        }
        write(sb, args.get(i), level + 1);
      }
      sb.append('\n');
      indent(sb, level);
      sb.append(')');
    } else if (e instanceof ParenExpr p) {
      indent(sb, level);
      if (!needsSplit(p)) {
        sb.append(p.toPromQL());
        return;
      }
      sb.append("(\n");
      write(sb, p.expr(), level + 1);
      sb.append('\n');
      indent(sb, level);
      sb.append(')');
    } else if (e instanceof SubqueryExpr s) {
      String full = s.toPromQL();
      if (!needsSplit(s)) {
        sb.append(full);
        return;
      }
      String inner = s.expr().toPromQL();
      write(sb, s.expr(), level);
      // The suffix is whatever the one-line form adds after the inner expression ([range:step], @,
      // offset).
      sb.append(
          full.startsWith(inner)
              ? full.substring(inner.length())
              : full.substring(full.lastIndexOf('[')));
    } else if (e instanceof UnaryExpr u) {
      StringBuilder child = new StringBuilder();
      write(child, u.expr(), level);
      indent(sb, level);
      sb.append(u.negate() ? '-' : '+').append(child.toString().strip());
    } else {
      indent(sb, level);
      sb.append(e.toPromQL());
    }
  }

  /**
   * The operator with {@code bool} and the matching clause, as the one-line printer writes them.
   */
  private static String operator(BinaryExpr b) {
    NumberLiteral zero = new NumberLiteral(0);
    String s = new BinaryExpr(b.op(), zero, zero, b.returnBool(), b.matching()).toPromQL();
    return s.substring(2, s.length() - 2);
  }

  private static String labels(List<String> names) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(Printer.labelName(names.get(i)));
    }
    return sb.toString();
  }
}
