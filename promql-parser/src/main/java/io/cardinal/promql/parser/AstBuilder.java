package io.cardinal.promql.parser;

import io.cardinal.promql.PromQLParseException;
import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.AggregateOp;
import io.cardinal.promql.ast.AtModifier;
import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.BinaryOp;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.DurationExpr;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.Function;
import io.cardinal.promql.ast.Functions;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.promql.ast.NumberLiteral;
import io.cardinal.promql.ast.ParenExpr;
import io.cardinal.promql.ast.Position;
import io.cardinal.promql.ast.StringLiteral;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.UnaryExpr;
import io.cardinal.promql.ast.ValueType;
import io.cardinal.promql.ast.VectorMatching;
import io.cardinal.promql.ast.VectorSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Builds the AST from the parse tree and performs the checks Prometheus does while parsing (unknown
 * functions, argument counts of aggregations, modifier placement, literal values). The first error
 * is thrown. Every node records where it was written, for the errors of the {@link TypeChecker},
 * which runs afterwards.
 */
final class AstBuilder extends PromQLParserBaseVisitor<Expr> {

  private final SourceText source;
  private final DurationBuilder durations = new DurationBuilder();

  AstBuilder(SourceText source) {
    this.source = source;
  }

  private PromQLParseException error(int pos, String message) {
    return source.error(pos, message);
  }

  private static int pos(ParserRuleContext ctx) {
    return ctx.getStart().getStartIndex();
  }

  private static int pos(Token t) {
    return t.getStartIndex();
  }

  private static Position at(ParserRuleContext ctx) {
    return new Position(pos(ctx));
  }

  private static Position at(Token t) {
    return new Position(pos(t));
  }

  // ------------------------------------------------------------------ expressions

  @Override
  public Expr visitQuery(PromQLParser.QueryContext c) {
    return visit(c.expr());
  }

  @Override
  public Expr visitNumberLiteral(PromQLParser.NumberLiteralContext c) {
    Token t = c.getStart();
    double v;
    if (t.getType() == PromQLLexer.DURATION) {
      v = durationLiteralMillis(t) / 1000.0;
    } else {
      v = number(t);
    }
    return new NumberLiteral(v, at(t));
  }

  @Override
  public Expr visitStringLiteral(PromQLParser.StringLiteralContext c) {
    return new StringLiteral(unquote(c.STRING().getSymbol()), at(c));
  }

  @Override
  public Expr visitSelector(PromQLParser.SelectorContext c) {
    return visitVectorSelector(c.vectorSelector());
  }

  @Override
  public Expr visitParen(PromQLParser.ParenContext c) {
    return new ParenExpr(visit(c.expr()), at(c));
  }

  @Override
  public Expr visitUnary(PromQLParser.UnaryContext c) {
    Expr operand = visit(c.expr());
    boolean negate = c.op.getType() == PromQLLexer.SUB;
    if (operand instanceof NumberLiteral n) {
      return new NumberLiteral(negate ? -n.value() : n.value(), at(c.op));
    }
    return new UnaryExpr(negate, operand, at(c.op));
  }

  @Override
  public Expr visitBinary(PromQLParser.BinaryContext c) {
    Expr lhs = visit(c.expr(0));
    PromQLParser.BinModifiersContext mods = c.binModifiers();
    VectorMatching written = matching(mods);
    Expr rhs = visit(c.expr(1));
    BinaryOp op = binaryOp(c.op);
    VectorMatching matching;
    if (lhs.type() == ValueType.VECTOR && rhs.type() == ValueType.VECTOR) {
      matching =
          op.isSetOperator() && written.cardinality() == VectorMatching.Cardinality.ONE_TO_ONE
              ? written.withCardinality(VectorMatching.Cardinality.MANY_TO_MANY)
              : written;
    } else if (!written.matchingLabels().isEmpty() || written.hasFill()) {
      // Meaningless without two vectors, but kept for the type checker to reject, with the message
      // it
      // owes and in its order; such a tree never reaches a caller.
      matching = written;
    } else {
      matching = null;
    }
    return new BinaryExpr(op, lhs, rhs, mods.BOOL() != null, matching, at(c.op));
  }

  private VectorMatching matching(PromQLParser.BinModifiersContext mods) {
    VectorMatching.Cardinality card = VectorMatching.Cardinality.ONE_TO_ONE;
    List<String> matchingLabels = List.of();
    boolean on = false;
    List<String> include = List.of();
    if (mods.onOrIgnoring() != null) {
      on = mods.onOrIgnoring().ON() != null;
      matchingLabels = groupingLabels(mods.onOrIgnoring().groupingLabels());
      PromQLParser.GroupModifierContext g = mods.groupModifier();
      if (g != null) {
        card =
            g.GROUP_LEFT() != null
                ? VectorMatching.Cardinality.MANY_TO_ONE
                : VectorMatching.Cardinality.ONE_TO_MANY;
        if (g.groupingLabels() != null) {
          include = groupingLabels(g.groupingLabels());
        }
      }
    }
    Double fillLeft = null;
    Double fillRight = null;
    PromQLParser.FillModifiersContext f = mods.fillModifiers();
    if (f != null) {
      if (f.FILL() != null) {
        fillLeft = fillValue(f.fillValue(0));
        fillRight = fillLeft;
      } else {
        fillLeft = f.left == null ? null : fillValue(f.left);
        fillRight = f.right == null ? null : fillValue(f.right);
      }
    }
    return new VectorMatching(card, matchingLabels, on, include, fillLeft, fillRight);
  }

  private double fillValue(PromQLParser.FillValueContext c) {
    double v = number(c.NUMBER().getSymbol());
    return c.sign != null && c.sign.getType() == PromQLLexer.SUB ? -v : v;
  }

  private static BinaryOp binaryOp(Token t) {
    return switch (t.getType()) {
      case PromQLLexer.ADD -> BinaryOp.ADD;
      case PromQLLexer.SUB -> BinaryOp.SUB;
      case PromQLLexer.MUL -> BinaryOp.MUL;
      case PromQLLexer.DIV -> BinaryOp.DIV;
      case PromQLLexer.MOD -> BinaryOp.MOD;
      case PromQLLexer.POW -> BinaryOp.POW;
      case PromQLLexer.ATAN2 -> BinaryOp.ATAN2;
      case PromQLLexer.TRIM_UPPER -> BinaryOp.TRIM_UPPER;
      case PromQLLexer.TRIM_LOWER -> BinaryOp.TRIM_LOWER;
      case PromQLLexer.EQLC -> BinaryOp.EQLC;
      case PromQLLexer.NEQ -> BinaryOp.NEQ;
      case PromQLLexer.GTR -> BinaryOp.GTR;
      case PromQLLexer.LSS -> BinaryOp.LSS;
      case PromQLLexer.GTE -> BinaryOp.GTE;
      case PromQLLexer.LTE -> BinaryOp.LTE;
      case PromQLLexer.AND -> BinaryOp.AND;
      case PromQLLexer.OR -> BinaryOp.OR;
      case PromQLLexer.UNLESS -> BinaryOp.UNLESS;
      default -> throw new IllegalStateException("not a binary operator: " + t.getText());
    };
  }

  private List<Expr> args(PromQLParser.FunctionArgsContext c) {
    List<Expr> args = new ArrayList<>(c.expr().size());
    for (PromQLParser.ExprContext e : c.expr()) {
      args.add(visit(e));
    }
    if (c.trailing != null) {
      throw error(pos(c.trailing), "trailing commas not allowed in function call args");
    }
    return args;
  }

  @Override
  public Expr visitCall(PromQLParser.CallContext c) {
    List<Expr> args = args(c.functionArgs());
    Token nameToken = c.functionName().getStart();
    String name = nameToken.getText();
    Function f =
        Functions.get(name)
            .orElseThrow(
                () ->
                    error(pos(nameToken), "unknown function with name " + Literals.goQuote(name)));
    return new Call(f, args, at(nameToken));
  }

  @Override
  public Expr visitAggregate(PromQLParser.AggregateContext c) {
    List<Expr> args = args(c.functionArgs());
    Token opToken = c.aggregateOp().getStart();
    int start = pos(opToken);
    AggregateOp op = AggregateOp.fromKeyword(opToken.getText());
    List<String> grouping = List.of();
    boolean without = false;
    if (c.grouping() != null) {
      without = c.grouping().WITHOUT() != null;
      grouping = groupingLabels(c.grouping().groupingLabels());
    }
    if (args.isEmpty()) {
      throw error(start, "no arguments for aggregate expression provided");
    }
    int desired = op.hasParameter() ? 2 : 1;
    if (args.size() != desired) {
      throw error(
          start,
          "wrong number of arguments for aggregate expression provided, expected "
              + desired
              + ", got "
              + args.size());
    }
    Expr param = desired == 2 ? args.get(0) : null;
    return new AggregateExpr(op, args.get(desired - 1), param, grouping, without, at(opToken));
  }

  private List<String> groupingLabels(PromQLParser.GroupingLabelsContext c) {
    List<String> labels = new ArrayList<>();
    for (PromQLParser.GroupingLabelContext l : c.groupingLabel()) {
      if (l.STRING() != null) {
        String name = unquote(l.STRING().getSymbol());
        if (name.isEmpty() || name.indexOf('\uFFFD') >= 0) {
          throw error(pos(l) + 1, "invalid label name for grouping: " + Literals.goQuote(name));
        }
        labels.add(name);
      } else {
        labels.add(l.getText());
      }
    }
    return labels;
  }

  // ------------------------------------------------------------------ selectors and modifiers

  @Override
  public VectorSelector visitMetricSelector(PromQLParser.MetricSelectorContext c) {
    return visitVectorSelector(c.vectorSelector());
  }

  @Override
  public VectorSelector visitVectorSelector(PromQLParser.VectorSelectorContext c) {
    List<LabelMatcher> matchers = new ArrayList<>();
    if (c.labelMatchers() != null) {
      for (PromQLParser.LabelMatcherContext m : c.labelMatchers().labelMatcher()) {
        matchers.add(labelMatcher(m));
      }
    }
    String name = null;
    if (c.metricIdentifier() != null) {
      name = c.metricIdentifier().getText();
      matchers.add(LabelMatcher.eq(LabelMatcher.METRIC_NAME, name));
    }
    return new VectorSelector(name, matchers, null, null, false, false, at(c));
  }

  private LabelMatcher labelMatcher(PromQLParser.LabelMatcherContext m) {
    Token nameToken = m.name;
    String name =
        nameToken.getType() == PromQLLexer.STRING ? unquote(nameToken) : nameToken.getText();
    if (m.matchOp() == null) {
      return LabelMatcher.eq(LabelMatcher.METRIC_NAME, name);
    }
    LabelMatcher.Type type = LabelMatcher.Type.fromSymbol(m.matchOp().getText());
    String value = unquote(m.value);
    if (type == LabelMatcher.Type.RE || type == LabelMatcher.Type.NRE) {
      // Checked with the engine the selection runs on (RE2, as Prometheus): a pattern only Java's
      // engine accepts, such as a lookahead or a repeat count over RE2's 1,000, is a parse error
      // with its position here, not a failure of the query later.
      try {
        io.cardinal.tsdb.labels.Matcher.regex(name, value);
      } catch (IllegalArgumentException e) {
        throw error(pos(nameToken), e.getMessage());
      }
    }
    return new LabelMatcher(type, name, value);
  }

  @Override
  public Expr visitMatrixSelector(PromQLParser.MatrixSelectorContext c) {
    Expr base = visit(c.expr());
    DurationExpr range = positiveDuration(c.range);
    int bracket = pos(c.LEFT_BRACKET().getSymbol());
    if (!(base instanceof VectorSelector vs)) {
      throw error(bracket, "ranges only allowed for vector selectors");
    }
    if (vs.offset() != null) {
      throw error(bracket, "no offset modifiers allowed before range");
    }
    if (vs.at() != null) {
      throw error(bracket, "no @ modifiers allowed before range");
    }
    return new MatrixSelector(vs, range);
  }

  @Override
  public Expr visitSubquery(PromQLParser.SubqueryContext c) {
    Expr base = visit(c.expr());
    DurationExpr range = positiveDuration(c.range);
    DurationExpr step = c.step == null ? null : positiveDuration(c.step);
    return new SubqueryExpr(base, range, step, null, null);
  }

  // A modified selector or subquery keeps the position of what it modifies.

  @Override
  public Expr visitOffsetModifier(PromQLParser.OffsetModifierContext c) {
    Expr base = visit(c.expr());
    DurationExpr offset = offsetValue(c.offsetValue());
    if (offset instanceof DurationExpr.Literal l && l.seconds() == 0) {
      offset = null;
    }
    int start = base.position().start();
    String twice = "offset may not be set multiple times";
    if (base instanceof VectorSelector vs) {
      if (vs.offset() != null) {
        throw error(start, twice);
      }
      return vs.withOffset(offset);
    } else if (base instanceof MatrixSelector ms) {
      if (ms.selector().offset() != null) {
        throw error(start, twice);
      }
      return new MatrixSelector(ms.selector().withOffset(offset), ms.range());
    } else if (base instanceof SubqueryExpr sq) {
      if (sq.offset() != null) {
        throw error(start, twice);
      }
      return sq.withOffset(offset);
    }
    throw error(
        start,
        "offset modifier must be preceded by an instant vector selector or "
            + "range vector selector or a subquery");
  }

  @Override
  public Expr visitAtModifier(PromQLParser.AtModifierContext c) {
    Expr base = visit(c.expr());
    int start = base.position().start();
    PromQLParser.AtValueContext v = c.atValue();
    AtModifier at;
    if (v.START() != null) {
      at = AtModifier.START;
    } else if (v.END() != null) {
      at = AtModifier.END;
    } else {
      Token t = v.NUMBER() != null ? v.NUMBER().getSymbol() : v.DURATION().getSymbol();
      double ts =
          t.getType() == PromQLLexer.DURATION ? durationLiteralMillis(t) / 1000.0 : number(t);
      if (v.sign != null && v.sign.getType() == PromQLLexer.SUB) {
        ts = -ts;
      }
      if (Double.isNaN(ts)
          || Double.isInfinite(ts)
          || ts >= 9.223372036854775807e18
          || ts <= -9.223372036854775808e18) {
        throw error(start, "timestamp out of bounds for @ modifier: " + goFloat(ts));
      }
      at = AtModifier.at(Math.round(ts * 1000.0));
    }
    String mustPrecede =
        "@ modifier must be preceded by an instant vector selector or range vector selector "
            + "or a subquery";
    String twice = "@ <timestamp> may not be set multiple times";
    if (base instanceof VectorSelector vs) {
      if (vs.at() != null) {
        throw error(start, twice);
      }
      return vs.withAt(at);
    } else if (base instanceof MatrixSelector ms) {
      if (ms.selector().at() != null) {
        throw error(start, twice);
      }
      return new MatrixSelector(ms.selector().withAt(at), ms.range());
    } else if (base instanceof SubqueryExpr sq) {
      if (sq.at() != null) {
        throw error(start, twice);
      }
      return sq.withAt(at);
    }
    throw error(start, mustPrecede);
  }

  @Override
  public Expr visitRangeModifier(PromQLParser.RangeModifierContext c) {
    Expr base = visit(c.expr());
    int start = base.position().start();
    boolean anchored = c.kind.getType() == PromQLLexer.ANCHORED;
    String kind = anchored ? "anchored" : "smoothed";
    String both = "anchored and smoothed modifiers cannot be used together";
    if (base instanceof VectorSelector vs) {
      if (anchored ? vs.smoothed() : vs.anchored()) {
        throw error(start, both);
      }
      return anchored ? vs.withAnchored(true) : vs.withSmoothed(true);
    } else if (base instanceof MatrixSelector ms) {
      VectorSelector vs = ms.selector();
      if (anchored ? vs.smoothed() : vs.anchored()) {
        throw error(start, both);
      }
      return new MatrixSelector(
          anchored ? vs.withAnchored(true) : vs.withSmoothed(true), ms.range());
    } else if (base instanceof SubqueryExpr) {
      throw error(start, kind + " modifier is not supported for subqueries");
    }
    throw error(start, kind + " modifier not implemented");
  }

  // ------------------------------------------------------------------ durations

  private DurationExpr positiveDuration(PromQLParser.DurationExprContext c) {
    DurationExpr d = durations.visit(c);
    if (d instanceof DurationExpr.Literal l && !(l.seconds() > 0)) {
      throw error(l.position().start(), "duration must be greater than 0");
    }
    return d;
  }

  private DurationExpr offsetValue(PromQLParser.OffsetValueContext c) {
    DurationExpr d =
        c.durationAtom() != null
            ? durations.visitDurationAtom(c.durationAtom())
            : durations.visit(c.durationExpr());
    if (c.sign != null) {
      d = applySign(d, c.sign);
    }
    return d;
  }

  private static DurationExpr applySign(DurationExpr d, Token sign) {
    if (sign.getType() == PromQLLexer.ADD) {
      return d;
    }
    if (d instanceof DurationExpr.Literal l) {
      return new DurationExpr.Literal(-l.seconds(), l.duration(), at(sign));
    }
    return new DurationExpr.Negate(d);
  }

  /**
   * Ranges, subquery steps and offsets: a separate visitor, as they build a separate kind of node.
   */
  private final class DurationBuilder extends PromQLParserBaseVisitor<DurationExpr> {

    @Override
    public DurationExpr visitDurationTerm(PromQLParser.DurationTermContext c) {
      return visitDurationAtom(c.durationAtom());
    }

    @Override
    public DurationExpr visitDurationParen(PromQLParser.DurationParenContext c) {
      return visit(c.durationExpr());
    }

    @Override
    public DurationExpr visitDurationUnary(PromQLParser.DurationUnaryContext c) {
      return applySign(visit(c.durationExpr()), c.op);
    }

    @Override
    public DurationExpr visitDurationBinary(PromQLParser.DurationBinaryContext c) {
      DurationExpr l = visit(c.durationExpr(0));
      DurationExpr r = visit(c.durationExpr(1));
      DurationExpr.Op op =
          switch (c.op.getType()) {
            case PromQLLexer.ADD -> DurationExpr.Op.ADD;
            case PromQLLexer.SUB -> DurationExpr.Op.SUB;
            case PromQLLexer.MUL -> DurationExpr.Op.MUL;
            case PromQLLexer.DIV -> DurationExpr.Op.DIV;
            case PromQLLexer.MOD -> DurationExpr.Op.MOD;
            default -> DurationExpr.Op.POW;
          };
      if ((op == DurationExpr.Op.DIV || op == DurationExpr.Op.MOD)
          && r instanceof DurationExpr.Literal lit
          && lit.seconds() == 0) {
        throw error(pos(c.op), op == DurationExpr.Op.DIV ? "division by zero" : "modulo by zero");
      }
      return new DurationExpr.Binary(op, l, r);
    }

    @Override
    public DurationExpr visitDurationAtom(PromQLParser.DurationAtomContext c) {
      Token t = c.getStart();
      return switch (t.getType()) {
        case PromQLLexer.NUMBER -> {
          double v = number(t);
          if (v > Literals.MAX_DURATION_SECONDS
              || v < -Literals.MAX_DURATION_SECONDS
              || Double.isNaN(v)) {
            throw error(pos(t), "duration out of range");
          }
          yield new DurationExpr.Literal(v, false, at(t));
        }
        case PromQLLexer.DURATION ->
            new DurationExpr.Literal(durationLiteralMillis(t) / 1000.0, true, at(t));
        case PromQLLexer.STEP -> new DurationExpr.Step();
        case PromQLLexer.RANGE -> new DurationExpr.Range();
        default ->
            new DurationExpr.MinMax(
                t.getType() == PromQLLexer.MAX_OF,
                visit(c.durationExpr(0)),
                visit(c.durationExpr(1)));
      };
    }
  }

  // ------------------------------------------------------------------ literals

  private double number(Token t) {
    try {
      return Literals.parseNumber(t.getText());
    } catch (Literals.LiteralException e) {
      throw error(pos(t), e.getMessage());
    }
  }

  private long durationLiteralMillis(Token t) {
    try {
      return Literals.parseDurationMillis(t.getText());
    } catch (Literals.LiteralException e) {
      throw error(pos(t), e.getMessage());
    }
  }

  private String unquote(Token t) {
    try {
      return Literals.unquote(t.getText());
    } catch (Literals.LiteralException e) {
      throw error(pos(t), e.getMessage());
    }
  }

  /** Go's {@code %f}. */
  private static String goFloat(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return String.format(Locale.ROOT, "%f", v);
  }
}
