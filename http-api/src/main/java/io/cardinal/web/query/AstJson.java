package io.cardinal.web.query;

import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.AtModifier;
import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.DurationExpr;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.promql.ast.NumberLiteral;
import io.cardinal.promql.ast.ParenExpr;
import io.cardinal.promql.ast.StringLiteral;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.UnaryExpr;
import io.cardinal.promql.ast.ValueType;
import io.cardinal.promql.ast.VectorMatching;
import io.cardinal.promql.ast.VectorSelector;
import io.cardinal.web.Json;
import java.util.List;
import java.util.Locale;

/**
 * {@code /api/v1/parse_query}'s answer: the AST in the JSON shape Prometheus's UI reads (node
 * {@code type}s {@code aggregation}, {@code binaryExpr}, {@code call}, {@code matrixSelector},
 * {@code subquery}, {@code numberLiteral}, {@code parenExpr}, {@code stringLiteral}, {@code
 * unaryExpr}, {@code vectorSelector}; durations in milliseconds).
 *
 * <p>Every node also carries {@code promql}, its own text as Cardinal prints it, so the UI's
 * explain view can run each sub-expression without printing PromQL itself. Clients that read
 * Prometheus's shape ignore the extra field.
 */
final class AstJson {
  private AstJson() {}

  static String of(Expr e) {
    Json j = new Json();
    write(j, e);
    return j.toString();
  }

  private static void write(Json j, Expr e) {
    j.beginObject();
    if (e instanceof AggregateExpr a) {
      j.name("type").value("aggregation");
      j.name("op").value(a.op().keyword());
      j.name("expr");
      write(j, a.expr());
      j.name("param");
      if (a.param() == null) {
        j.raw("null");
      } else {
        write(j, a.param());
      }
      strings(j.name("grouping"), a.grouping());
      j.name("without").value(a.without());
    } else if (e instanceof BinaryExpr b) {
      j.name("type").value("binaryExpr");
      j.name("op").value(b.op().symbol());
      j.name("lhs");
      write(j, b.lhs());
      j.name("rhs");
      write(j, b.rhs());
      j.name("matching");
      VectorMatching m = b.matching();
      boolean vectors = b.lhs().type() == ValueType.VECTOR && b.rhs().type() == ValueType.VECTOR;
      if (m == null || !vectors) {
        j.raw("null");
      } else {
        j.beginObject();
        j.name("card").value(m.cardinality().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        strings(j.name("labels"), m.matchingLabels());
        j.name("on").value(m.on());
        strings(j.name("include"), m.include());
        j.endObject();
      }
      j.name("bool").value(b.returnBool());
    } else if (e instanceof Call c) {
      j.name("type").value("call");
      j.name("func").beginObject();
      j.name("name").value(c.function().name());
      j.name("argTypes").beginArray();
      for (ValueType t : c.function().argTypes()) {
        j.value(t.promName());
      }
      j.endArray();
      j.name("variadic").value(c.function().variadic());
      j.name("returnType").value(c.function().returnType().promName());
      j.endObject();
      j.name("args").beginArray();
      for (Expr arg : c.args()) {
        write(j, arg);
      }
      j.endArray();
    } else if (e instanceof MatrixSelector m) {
      VectorSelector v = m.selector();
      j.name("type").value("matrixSelector");
      j.name("name").value(v.name());
      j.name("range").value(millis(m.range()));
      j.name("offset").value(millis(v.offset()));
      matchers(j, v.matchers());
      at(j, v.at());
    } else if (e instanceof SubqueryExpr s) {
      j.name("type").value("subquery");
      j.name("expr");
      write(j, s.expr());
      j.name("range").value(millis(s.range()));
      j.name("offset").value(millis(s.offset()));
      j.name("step").value(millis(s.step()));
      at(j, s.at());
    } else if (e instanceof NumberLiteral n) {
      j.name("type").value("numberLiteral");
      j.name("val").value(n.toPromQL());
    } else if (e instanceof ParenExpr p) {
      j.name("type").value("parenExpr");
      j.name("expr");
      write(j, p.expr());
    } else if (e instanceof StringLiteral s) {
      j.name("type").value("stringLiteral");
      j.name("val").value(s.value());
    } else if (e instanceof UnaryExpr u) {
      j.name("type").value("unaryExpr");
      j.name("op").value(u.negate() ? "-" : "+");
      j.name("expr");
      write(j, u.expr());
    } else if (e instanceof VectorSelector v) {
      j.name("type").value("vectorSelector");
      j.name("name").value(v.name() == null ? "" : v.name());
      j.name("offset").value(millis(v.offset()));
      matchers(j, v.matchers());
      at(j, v.at());
    } else {
      j.name("type").value("unknown");
    }
    j.name("promql").value(e.toPromQL());
    j.endObject();
  }

  private static void strings(Json j, List<String> list) {
    j.beginArray();
    for (String s : list) {
      j.value(s);
    }
    j.endArray();
  }

  private static void matchers(Json j, List<LabelMatcher> ms) {
    j.name("matchers").beginArray();
    for (LabelMatcher m : ms) {
      j.beginObject()
          .name("name")
          .value(m.name())
          .name("type")
          .value(m.type().symbol())
          .name("value")
          .value(m.value())
          .endObject();
    }
    j.endArray();
  }

  private static void at(Json j, AtModifier at) {
    j.name("timestamp");
    if (at != null && at.kind() == AtModifier.Kind.TIMESTAMP) {
      j.value(at.timestampMillis());
    } else {
      j.raw("null");
    }
    j.name("startOrEnd");
    if (at == null || at.kind() == AtModifier.Kind.TIMESTAMP) {
      j.raw("null");
    } else {
      j.value(at.kind().name().toLowerCase(Locale.ROOT));
    }
  }

  /** A duration in milliseconds; 0 when absent or computed at evaluation (step(), range()). */
  private static long millis(DurationExpr d) {
    return d == null || !d.isLiteral() ? 0 : d.literalMillis();
  }
}
