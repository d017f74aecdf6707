package io.cardinal.promql.parser;

import io.cardinal.promql.PromQLParseException;
import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.AggregateOp;
import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.Function;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.promql.ast.ParenExpr;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.UnaryExpr;
import io.cardinal.promql.ast.ValueType;
import io.cardinal.promql.ast.VectorMatching;
import io.cardinal.promql.ast.VectorSelector;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Prometheus' {@code checkAST}: type checks the tree, in the same order, with the same messages.
 */
final class TypeChecker {

  private static final List<String> ANCHORED_FUNCTIONS =
      List.of("changes", "delta", "increase", "rate", "resets");
  private static final List<String> SMOOTHED_FUNCTIONS = List.of("delta", "increase", "rate");

  private final SourceText source;
  private final Set<VectorSelector> bypassEmptyMatcherCheck =
      Collections.newSetFromMap(new IdentityHashMap<>());

  TypeChecker(SourceText source) {
    this.source = source;
  }

  private PromQLParseException error(Expr node, String message) {
    return source.error(node.position().start(), message);
  }

  ValueType check(Expr node) {
    ValueType type = node.type();
    if (node instanceof AggregateExpr a) {
      expectType(a.expr(), ValueType.VECTOR, "aggregation expression");
      AggregateOp op = a.op();
      if (op == AggregateOp.TOPK
          || op == AggregateOp.BOTTOMK
          || op == AggregateOp.QUANTILE
          || op == AggregateOp.LIMITK
          || op == AggregateOp.LIMIT_RATIO) {
        expectType(a.param(), ValueType.SCALAR, "aggregation parameter");
      }
      if (op == AggregateOp.COUNT_VALUES) {
        expectType(a.param(), ValueType.STRING, "aggregation parameter");
      }
    } else if (node instanceof BinaryExpr b) {
      checkBinary(b);
    } else if (node instanceof Call c) {
      checkCall(c);
    } else if (node instanceof ParenExpr p) {
      check(p.expr());
    } else if (node instanceof UnaryExpr u) {
      ValueType t = check(u.expr());
      if (t != ValueType.SCALAR && t != ValueType.VECTOR) {
        throw error(
            u,
            "unary expression only allowed on expressions of type scalar or instant vector, got "
                + Literals.goQuote(t.documentedName()));
      }
    } else if (node instanceof SubqueryExpr s) {
      ValueType t = check(s.expr());
      if (t != ValueType.VECTOR) {
        throw error(
            s, "subquery is only allowed on instant vector, got " + t.promName() + " instead");
      }
    } else if (node instanceof MatrixSelector m) {
      check(m.selector());
    } else if (node instanceof VectorSelector vs) {
      checkSelector(vs);
    }
    return type;
  }

  private void expectType(Expr node, ValueType want, String context) {
    ValueType t = check(node);
    if (t != want) {
      throw error(
          node,
          "expected type "
              + want.documentedName()
              + " in "
              + context
              + ", got "
              + t.documentedName());
    }
  }

  private void checkBinary(BinaryExpr b) {
    ValueType lt = check(b.lhs());
    ValueType rt = check(b.rhs());
    // The builder keeps every matching these checks can reject, even between non-vectors.
    VectorMatching vm = b.matching() != null ? b.matching() : VectorMatching.oneToOne();
    int opPos = b.opPosition().start();
    String op = b.op().symbol();
    if (b.returnBool() && !b.op().isComparison()) {
      throw source.error(opPos, "bool modifier can only be used on comparison operators");
    }
    if (b.op().isComparison()
        && !b.returnBool()
        && lt == ValueType.SCALAR
        && rt == ValueType.SCALAR) {
      throw source.error(opPos, "comparisons between scalars must use BOOL modifier");
    }
    if (vm.on()) {
      for (String l1 : vm.matchingLabels()) {
        if (vm.include().contains(l1)) {
          throw source.error(
              opPos,
              "label " + Literals.goQuote(l1) + " must not occur in ON and GROUP clause at once");
        }
      }
    }
    if (lt != ValueType.SCALAR && lt != ValueType.VECTOR) {
      throw error(b.lhs(), "binary expression must contain only scalar and instant vector types");
    }
    if (rt != ValueType.SCALAR && rt != ValueType.VECTOR) {
      throw error(b.rhs(), "binary expression must contain only scalar and instant vector types");
    }
    boolean grouped =
        vm.cardinality() == VectorMatching.Cardinality.MANY_TO_ONE
            || vm.cardinality() == VectorMatching.Cardinality.ONE_TO_MANY;
    if (lt != ValueType.VECTOR || rt != ValueType.VECTOR) {
      if (!vm.matchingLabels().isEmpty()) {
        throw error(b, "vector matching only allowed between instant vectors");
      }
      if (vm.hasFill()) {
        throw error(b, "filling in missing series only allowed between instant vectors");
      }
    } else if (b.op().isSetOperator()) {
      if (grouped) {
        throw error(b, "no grouping allowed for " + Literals.goQuote(op) + " operation");
      }
      if (vm.hasFill()) {
        throw error(b, "filling in missing series not allowed for set operators");
      }
    }
    if ((lt == ValueType.SCALAR || rt == ValueType.SCALAR) && b.op().isSetOperator()) {
      throw error(
          b, "set operator " + Literals.goQuote(op) + " not allowed in binary scalar expression");
    }
  }

  private void checkCall(Call c) {
    Function f = c.function();
    int nargs = f.argTypes().size();
    int given = c.args().size();
    String name = Literals.goQuote(f.name());
    if (f.variadic() == 0) {
      if (nargs != given) {
        throw error(c, "expected " + nargs + " argument(s) in call to " + name + ", got " + given);
      }
    } else if (given < f.minArgs()) {
      throw error(
          c,
          "expected at least "
              + f.minArgs()
              + " argument(s) in call to "
              + name
              + ", got "
              + given);
    } else if (given > f.maxArgs()) {
      throw error(
          c,
          "expected at most " + f.maxArgs() + " argument(s) in call to " + name + ", got " + given);
    }
    if (f.name().equals("info") && given > 1) {
      Expr second = c.args().get(1);
      if (second.type() != ValueType.VECTOR) {
        throw error(
            c,
            "expected type instant vector in call to function \"info\", got "
                + second.type().documentedName());
      }
      if (second instanceof VectorSelector vs && vs.name() != null) {
        throw error(second, "expected label selectors only, got vector selector instead");
      } else if (second instanceof VectorSelector vs) {
        bypassEmptyMatcherCheck.add(vs);
      } else {
        throw error(second, "expected label selectors only");
      }
    }
    for (int i = 0; i < given; i++) {
      int k = i;
      if (k >= nargs) {
        if (f.variadic() == 0) {
          break;
        }
        k = nargs - 1;
      }
      Expr arg = c.args().get(i);
      ValueType t = check(arg);
      if (t != f.argTypes().get(k)) {
        throw error(
            arg,
            "expected type "
                + f.argTypes().get(k).documentedName()
                + " in call to function "
                + name
                + ", got "
                + t.documentedName());
      }
    }
    for (Expr arg : c.args()) {
      if (arg instanceof MatrixSelector m) {
        if (m.selector().anchored() && !ANCHORED_FUNCTIONS.contains(f.name())) {
          throw error(
              arg,
              "anchored modifier can only be used with: "
                  + String.join(", ", ANCHORED_FUNCTIONS)
                  + " - not with "
                  + f.name());
        }
        if (m.selector().smoothed() && !SMOOTHED_FUNCTIONS.contains(f.name())) {
          throw error(
              arg,
              "smoothed modifier can only be used with: "
                  + String.join(", ", SMOOTHED_FUNCTIONS)
                  + " - not with "
                  + f.name());
        }
      }
    }
  }

  private void checkSelector(VectorSelector vs) {
    if (vs.name() != null) {
      List<LabelMatcher> ms = vs.matchers();
      for (int i = 0; i < ms.size() - 1; i++) {
        LabelMatcher m = ms.get(i);
        if (m.name().equals(LabelMatcher.METRIC_NAME)) {
          throw error(
              vs,
              "metric name must not be set twice: "
                  + Literals.goQuote(vs.name())
                  + " or "
                  + Literals.goQuote(m.value()));
        }
      }
      return;
    }
    if (bypassEmptyMatcherCheck.contains(vs)) {
      return;
    }
    for (LabelMatcher m : vs.matchers()) {
      if (!m.matches("")) {
        return;
      }
    }
    throw error(vs, "vector selector must contain at least one non-empty matcher");
  }
}
