package io.cardinal.promql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.promql.ast.AggregateExpr;
import io.cardinal.promql.ast.AggregateOp;
import io.cardinal.promql.ast.AtModifier;
import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.BinaryOp;
import io.cardinal.promql.ast.Call;
import io.cardinal.promql.ast.DurationExpr;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.Functions;
import io.cardinal.promql.ast.LabelMatcher;
import io.cardinal.promql.ast.MatrixSelector;
import io.cardinal.promql.ast.NumberLiteral;
import io.cardinal.promql.ast.StringLiteral;
import io.cardinal.promql.ast.SubqueryExpr;
import io.cardinal.promql.ast.UnaryExpr;
import io.cardinal.promql.ast.ValueType;
import io.cardinal.promql.ast.VectorMatching;
import io.cardinal.promql.ast.VectorSelector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParserTest {

  private static VectorSelector vs(String name) {
    return VectorSelector.of(name);
  }

  @Test
  void unaryMinusBindsLooserThanPower() {
    assertEquals(
        new UnaryExpr(
            true,
            new BinaryExpr(BinaryOp.POW, new NumberLiteral(2), new NumberLiteral(2), false, null)),
        PromQL.parse("-2^2"));
    assertEquals(
        new BinaryExpr(BinaryOp.MUL, new NumberLiteral(-1), new NumberLiteral(2), false, null),
        PromQL.parse("-1 * 2"));
  }

  @Test
  void powerIsRightAssociativeOthersLeft() {
    BinaryExpr pow = (BinaryExpr) PromQL.parse("2 ^ 3 ^ 2");
    assertEquals(new NumberLiteral(2), pow.lhs());
    assertTrue(pow.rhs() instanceof BinaryExpr);
    BinaryExpr mod = (BinaryExpr) PromQL.parse("2 * 3 % 2");
    assertEquals(BinaryOp.MOD, mod.op());
    assertTrue(mod.lhs() instanceof BinaryExpr);
  }

  @Test
  void setOperatorPrecedence() {
    BinaryExpr or = (BinaryExpr) PromQL.parse("foo + bar or bla and blub");
    assertEquals(BinaryOp.OR, or.op());
    assertEquals(BinaryOp.ADD, ((BinaryExpr) or.lhs()).op());
    assertEquals(BinaryOp.AND, ((BinaryExpr) or.rhs()).op());
    assertEquals(VectorMatching.Cardinality.MANY_TO_MANY, or.matching().cardinality());
    BinaryExpr cmp = (BinaryExpr) PromQL.parse("a > b + c unless d");
    assertEquals(BinaryOp.UNLESS, cmp.op());
    assertEquals(BinaryOp.GTR, ((BinaryExpr) cmp.lhs()).op());
  }

  @Test
  void vectorMatching() {
    BinaryExpr b = (BinaryExpr) PromQL.parse("foo / on(test,blub) group_left(bar) baz");
    assertEquals(
        new VectorMatching(
            VectorMatching.Cardinality.MANY_TO_ONE,
            List.of("test", "blub"),
            true,
            List.of("bar"),
            null,
            null),
        b.matching());
    BinaryExpr s = (BinaryExpr) PromQL.parse("foo == bool 1");
    assertTrue(s.returnBool());
    assertNull(s.matching());
    BinaryExpr f = (BinaryExpr) PromQL.parse("a + ignoring(x) fill_right(-Inf) b");
    assertEquals(Double.NEGATIVE_INFINITY, f.matching().fillRight());
    assertNull(f.matching().fillLeft());
  }

  @Test
  void aggregationsWithGroupingBeforeOrAfter() {
    AggregateExpr a = new AggregateExpr(AggregateOp.SUM, vs("x"), null, List.of("job"), false);
    assertEquals(a, PromQL.parse("sum by (job) (x)"));
    assertEquals(a, PromQL.parse("SUM(x) BY (job,)"));
    assertEquals(
        new AggregateExpr(AggregateOp.TOPK, vs("x"), new NumberLiteral(5), List.of("a"), true),
        PromQL.parse("topk without(a) (5, x)"));
    assertEquals("sum by (job) (rate(x[5m]))", PromQL.parse("sum(rate(x[5m]))by(job)").toPromQL());
  }

  @Test
  void keywordsAsNames() {
    VectorSelector s = (VectorSelector) PromQL.parse("sum{by=\"x\"}");
    assertEquals("sum", s.name());
    assertEquals(
        List.of(
            new LabelMatcher(LabelMatcher.Type.EQ, "by", "x"), LabelMatcher.eq("__name__", "sum")),
        s.matchers());
    assertEquals(vs("offset"), PromQL.parse("offset"));
    assertEquals(vs("fill"), PromQL.parse("fill"));
    assertEquals(
        List.of("on", "bool", "sum"),
        ((AggregateExpr) PromQL.parse("sum by (on, bool, sum) (x)")).grouping());
  }

  @Test
  void quotedUtf8Names() {
    VectorSelector s = (VectorSelector) PromQL.parse("{\"my.metric\", \"label.name\"=\"x\"}");
    assertNull(s.name());
    assertEquals(
        List.of(LabelMatcher.eq("__name__", "my.metric"), LabelMatcher.eq("label.name", "x")),
        s.matchers());
    assertEquals(List.of("a.b"), ((AggregateExpr) PromQL.parse("sum by (\"a.b\") (x)")).grouping());
  }

  @Test
  void selectorsAndModifiers() {
    MatrixSelector m = (MatrixSelector) PromQL.parse("foo[1h30m] offset -5m @ 1609746000");
    assertEquals(5_400_000, m.rangeMillis());
    assertEquals(-300_000, m.selector().offsetMillis());
    assertEquals(AtModifier.at(1_609_746_000_000L), m.selector().at());
    VectorSelector v = (VectorSelector) PromQL.parse("foo @ end() offset 1m");
    assertEquals(AtModifier.END, v.at());
    SubqueryExpr sq = (SubqueryExpr) PromQL.parse("rate(x[5m])[1h:]");
    assertNull(sq.step());
    assertEquals(3_600_000, sq.range().literalMillis());
    assertEquals(ValueType.MATRIX, sq.type());
  }

  @Test
  void durationExpressions() {
    MatrixSelector m = (MatrixSelector) PromQL.parse("foo[2m*(10+5)]");
    assertFalse(m.range().isLiteral());
    assertEquals(1_800_000, m.range().evaluateMillis(0, 0));
    MatrixSelector s = (MatrixSelector) PromQL.parse("foo[max_of(min_of(step()+1,1h),1ms)]");
    assertEquals(16_000, s.range().evaluateMillis(15_000, 0));
    // offset takes a single term: (foo offset 100) + 2
    BinaryExpr b = (BinaryExpr) PromQL.parse("foo offset 100 + 2");
    assertEquals(100_000, ((VectorSelector) b.lhs()).offsetMillis());
    VectorSelector o = (VectorSelector) PromQL.parse("foo offset (-2 ^ 2)");
    assertEquals(-4, o.offset().evaluateSeconds(0, 0));
    VectorSelector r = (VectorSelector) PromQL.parse("foo offset -step()");
    assertEquals(new DurationExpr.Negate(new DurationExpr.Step()), r.offset());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "23|23",
        "-2.43|-2.43",
        "3.4e-9|3.4e-09",
        "0x8f|143",
        "-Inf|-Inf",
        "NaN|NaN",
        "1_000_000|1e+06",
        ".123_456_789|0.123456789",
        "0x_53_AB_F3_82|1.403777922e+09",
        "010|8",
        "1s|1",
        "2m|120",
        "1ms|0.001",
        "-2h|-7200",
        "1h30m|5400",
        "12h34m56s|45296",
        "54s321ms|54.321",
        "123456|123456",
        "1234567|1.234567e+06",
        "0.0001|0.0001",
        "0.00001|1e-05",
        "inf|+Inf"
      })
  void numberLiterals(String input, String printed) {
    Expr e = PromQL.parse(input);
    assertTrue(e instanceof NumberLiteral, input);
    assertEquals(printed, e.toPromQL());
  }

  @Test
  void stringLiterals() {
    assertEquals(
        new StringLiteral("a\nb\t\"c\" é €"),
        PromQL.parse("\"a\\nb\\t\\\"c\\\" \\u00e9 \\xe2\\x82\\xac\""));
    assertEquals(
        new StringLiteral("these are not unescaped: \\n ' \" \\t"),
        PromQL.parse("`these are not unescaped: \\n ' \" \\t`"));
    assertEquals(new StringLiteral("it's"), PromQL.parse("'it\\'s'"));
    assertEquals("\"a\\nb\"", PromQL.parse("'a\\nb'").toPromQL());
  }

  @Test
  void functionsAndComments() {
    Call c =
        (Call) PromQL.parse("# leading comment\nhistogram_quantile(0.9, rate(x[5m])) # trailing");
    assertEquals(Functions.get("histogram_quantile").orElseThrow(), c.function());
    assertEquals(ValueType.VECTOR, c.type());
    assertEquals(ValueType.SCALAR, PromQL.parse("time()").type());
    assertTrue(Functions.get("mad_over_time").orElseThrow().experimental());
    assertFalse(Functions.get("rate").orElseThrow().experimental());
    assertEquals(2, Functions.get("round").orElseThrow().maxArgs());
  }

  @Test
  void parseMatchersForSeriesApi() {
    assertEquals(
        List.of(
            new LabelMatcher(LabelMatcher.Type.RE, "job", "a.*"),
            LabelMatcher.eq("__name__", "up")),
        PromQL.parseMatchers("up{job=~\"a.*\"}"));
    assertEquals(
        List.of(new LabelMatcher(LabelMatcher.Type.NEQ, "a", "")),
        PromQL.parseMatchers("{a!=\"\"}"));
  }

  @Test
  void nodesKnowWhereTheyWereWritten() {
    BinaryExpr b = (BinaryExpr) PromQL.parse("sum(x) +  rate(y[5m] offset 1m)");
    assertEquals(0, b.position().start());
    assertEquals(7, b.opPosition().start());
    Call rate = (Call) b.rhs();
    assertEquals(10, rate.position().start());
    MatrixSelector m = (MatrixSelector) rate.args().get(0);
    assertEquals(15, m.position().start());
    assertEquals(15, m.selector().position().start());
    DurationExpr.Literal range = (DurationExpr.Literal) m.range();
    assertEquals(17, range.position().start());
    assertEquals(-1, VectorSelector.of("y").position().start());
  }

  @Test
  void positionsAreNotPartOfTheValue() {
    assertEquals(
        PromQL.parse("sum(x)+rate(y[5m]offset 1m)"),
        PromQL.parse("sum(x) +  rate(y[5m] offset 1m)"));
    assertEquals(vs("x"), PromQL.parse("  x"));
    assertEquals(vs("x").hashCode(), PromQL.parse("  x").hashCode());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sum(rate(x[5m])) by (job)|sum by (job) (rate(x[5m]))",
        "a+on(b)group_left c|a + on (b) group_left () c",
        "foo{a='b',c!~\"d\"}|foo{a=\"b\", c!~\"d\"}",
        "foo[90s] offset 1d|foo[1m30s] offset 1d",
        "rate(foo[5m:30s] @ start())|rate(foo[5m:30s] @ start())",
        "count_values without () (\"v\", x)|count_values without () (\"v\", x)",
        "x >bool 1|x > bool 1",
        "-(x)|-(x)"
      })
  void canonicalPrinting(String input, String printed) {
    assertEquals(printed, PromQL.parse(input).toPromQL());
    assertEquals(PromQL.parse(input), PromQL.parse(printed));
  }
}
