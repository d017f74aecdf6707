package io.cardinal.promql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed queries and the exact error each must produce, position included. Messages follow
 * Prometheus' lexer/parser/checkAST (promql/parser lex.go, generated_parser.y, parse.go); many
 * cases come straight from Prometheus' parse_test.go.
 */
class ParseErrorTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        // empty input, lexer errors
        Arguments.of("", "1:1: parse error: no expression found in input"),
        Arguments.of("# just a comment\n\n", "1:1: parse error: no expression found in input"),
        Arguments.of(".", "1:1: parse error: unexpected character: '.'"),
        Arguments.of("(1))", "1:4: parse error: unexpected right parenthesis ')'"),
        Arguments.of("((1)", "1:5: parse error: unclosed left parenthesis"),
        Arguments.of("(", "1:2: parse error: unclosed left parenthesis"),
        Arguments.of("1 !~ 1", "1:3: parse error: unexpected character after '!': '~'"),
        Arguments.of("1 =~ 1", "1:3: parse error: unexpected character after '=': '~'"),
        Arguments.of("foo$", "1:4: parse error: unexpected character: '$'"),
        Arguments.of("]", "1:1: parse error: unexpected right bracket ']'"),
        Arguments.of("foo{a=\"b\"}}", "1:11: parse error: unexpected character: '}'"),
        Arguments.of("'unterminated", "1:1: parse error: unterminated quoted string"),
        Arguments.of("\"line\nbreak\"", "1:1: parse error: unterminated quoted string"),
        Arguments.of("`raw", "1:1: parse error: unterminated raw string"),
        Arguments.of("foo{a=\"\\q\"}", "1:7: parse error: unknown escape sequence U+0071 'q'"),
        Arguments.of(
            "\"\\x4\"", "1:1: parse error: illegal character U+0022 '\"' in escape sequence"),
        Arguments.of("rate(some_metric[5m]", "1:21: parse error: unclosed left parenthesis"),
        Arguments.of(
            "sum without(test) (some_metric", "1:31: parse error: unclosed left parenthesis"),
        Arguments.of(
            "rate(foo[5m]) [5m",
            "1:18: parse error: unexpected end of input in duration expression"),
        Arguments.of(
            "foo[\"5m\"]", "1:5: parse error: unexpected character in duration expression: '\"'"),
        // syntax errors
        Arguments.of("1+", "1:3: parse error: unexpected end of input"),
        Arguments.of("1 /", "1:4: parse error: unexpected end of input"),
        Arguments.of("*1", "1:1: parse error: unexpected <op:*>"),
        Arguments.of("*test", "1:1: parse error: unexpected <op:*>"),
        Arguments.of("a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>"),
        Arguments.of("foo bar", "1:5: parse error: unexpected identifier \"bar\""),
        Arguments.of("sum(foo) by (x) by (y)", "1:17: parse error: unexpected <by>"),
        Arguments.of("sum 1", "1:5: parse error: unexpected number \"1\" in aggregation"),
        Arguments.of(
            "sum by", "1:7: parse error: unexpected end of input in grouping opts, expected \"(\""),
        Arguments.of(
            "sum by (foo bar) (x)",
            "1:13: parse error: unexpected identifier \"bar\" in grouping opts, expected \",\" or \")\""),
        Arguments.of(
            "sum(x,)", "1:6: parse error: trailing commas not allowed in function call args"),
        Arguments.of("foo{", "1:5: parse error: unexpected end of input inside braces"),
        Arguments.of(
            "foo{a=b}",
            "1:7: parse error: unexpected identifier \"b\" in label matching, expected string"),
        Arguments.of("foo{a:b=\"b\"}", "1:6: parse error: unexpected character inside braces: ':'"),
        Arguments.of("foo{a*\"b\"}", "1:6: parse error: unexpected character inside braces: '*'"),
        Arguments.of(
            "foo{gibberish}",
            "1:14: parse error: unexpected \"}\" in label matching, expected label matching operator"),
        Arguments.of("foo{1}", "1:5: parse error: unexpected character inside braces: '1'"),
        Arguments.of(
            "foo{__name__= =}",
            "1:15: parse error: unexpected \"=\" in label matching, expected string"),
        Arguments.of(
            "foo{,}",
            "1:5: parse error: unexpected \",\" in label matching, expected identifier or \"}\""),
        Arguments.of(
            "foo{__name__ == \"bar\"}",
            "1:15: parse error: unexpected \"=\" in label matching, expected string"),
        Arguments.of(
            "foo{__name__=\"bar\" lol}",
            "1:20: parse error: unexpected identifier \"lol\" in label matching, expected \",\" or \"}\""),
        Arguments.of(
            "foo[]",
            "1:5: parse error: unexpected \"]\" in subquery or range selector, expected number, "
                + "duration, step(), or range()"),
        Arguments.of(
            "foo[5m:1m:1m]",
            "1:10: parse error: unexpected \":\" in subquery selector, expected \"]\""),
        Arguments.of(
            "some_metric OFFSET",
            "1:19: parse error: unexpected end of input in offset, expected number, duration, step(), or range()"),
        Arguments.of(
            "foo @ bar",
            "1:7: parse error: unexpected identifier \"bar\" in @, expected timestamp"),
        // literal and duration errors
        Arguments.of("foo[0m]", "1:5: parse error: duration must be greater than 0"),
        Arguments.of("foo[-5m]", "1:5: parse error: duration must be greater than 0"),
        Arguments.of("foo[1m1h]", "1:5: parse error: not a valid duration string: \"1m1h\""),
        Arguments.of("foo[1h/0]", "1:7: parse error: division by zero"),
        Arguments.of("foo[1h%0]", "1:7: parse error: modulo by zero"),
        Arguments.of("foo @ Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"),
        // modifiers
        Arguments.of(
            "1 offset 1d",
            "1:1: parse error: offset modifier must be preceded by an instant vector "
                + "selector or range vector selector or a subquery"),
        Arguments.of(
            "foo offset 1s offset 2s", "1:1: parse error: offset may not be set multiple times"),
        Arguments.of(
            "sum(x) offset 5m",
            "1:1: parse error: offset modifier must be preceded by an instant vector "
                + "selector or range vector selector or a subquery"),
        Arguments.of(
            "\"a\" @ 100",
            "1:1: parse error: @ modifier must be preceded by an instant vector selector "
                + "or range vector selector or a subquery"),
        Arguments.of(
            "foo @ start() @ end()",
            "1:1: parse error: @ <timestamp> may not be set multiple times"),
        Arguments.of("\"foo\"[5m]", "1:6: parse error: ranges only allowed for vector selectors"),
        Arguments.of("(foo)[5m]", "1:6: parse error: ranges only allowed for vector selectors"),
        Arguments.of(
            "foo offset 5m [10m]", "1:15: parse error: no offset modifiers allowed before range"),
        Arguments.of("foo @ 100 [10m]", "1:11: parse error: no @ modifiers allowed before range"),
        Arguments.of(
            "foo[5m] anchored smoothed",
            "1:1: parse error: anchored and smoothed modifiers cannot be used together"),
        Arguments.of(
            "rate(foo[5m:1m] anchored)",
            "1:6: parse error: anchored modifier is not supported for subqueries"),
        Arguments.of(
            "deriv(foo[3m] smoothed)",
            "1:7: parse error: smoothed modifier can only be used with: delta, "
                + "increase, rate - not with deriv"),
        Arguments.of(
            "max_over_time(foo[3m] anchored)",
            "1:15: parse error: anchored modifier can only be used with: "
                + "changes, delta, increase, rate, resets - not with max_over_time"),
        // selectors
        Arguments.of(
            "{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        Arguments.of(
            "{x=\"\"}",
            "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        Arguments.of(
            "{x=~\".*\"}",
            "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        Arguments.of(
            "{x!~\".+\"}",
            "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        Arguments.of(
            "foo{__name__=\"bar\"}",
            "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""),
        // type checking
        Arguments.of(
            "1 and 1",
            "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"),
        Arguments.of(
            "1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"),
        Arguments.of(
            "1 or 1",
            "1:1: parse error: set operator \"or\" not allowed in binary scalar expression"),
        Arguments.of(
            "1 unless 1",
            "1:1: parse error: set operator \"unless\" not allowed in binary scalar expression"),
        Arguments.of(
            "foo and 1",
            "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"),
        Arguments.of(
            "-\"string\"",
            "1:1: parse error: unary expression only allowed on expressions of type scalar "
                + "or instant vector, got \"string\""),
        Arguments.of(
            "-test[5m]",
            "1:1: parse error: unary expression only allowed on expressions of type scalar "
                + "or instant vector, got \"range vector\""),
        Arguments.of(
            "foo + bool bar",
            "1:5: parse error: bool modifier can only be used on comparison operators"),
        Arguments.of(
            "1 + bool 2",
            "1:3: parse error: bool modifier can only be used on comparison operators"),
        Arguments.of(
            "foo and on(test,blub) group_left bar",
            "1:1: parse error: no grouping allowed for \"and\" operation"),
        Arguments.of(
            "foo unless on(a) group_right bar",
            "1:1: parse error: no grouping allowed for \"unless\" operation"),
        Arguments.of(
            "foo * on(x) group_left(x) bar",
            "1:5: parse error: label \"x\" must not occur in ON and GROUP clause at once"),
        Arguments.of(
            "1 + \"a\"",
            "1:5: parse error: binary expression must contain only scalar and instant vector types"),
        Arguments.of(
            "foo ^ bar[5m]",
            "1:7: parse error: binary expression must contain only scalar and instant vector types"),
        Arguments.of(
            "1 + on(a) 2",
            "1:1: parse error: vector matching only allowed between instant vectors"),
        Arguments.of(
            "non_existent_function_far_bar()",
            "1:1: parse error: unknown function with name \"non_existent_function_far_bar\""),
        Arguments.of(
            "floor(some_metric, 1, 2)",
            "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 3"),
        Arguments.of(
            "floor()", "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 0"),
        Arguments.of(
            "time(1)", "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1"),
        Arguments.of(
            "round(a, 2, 3)",
            "1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3"),
        Arguments.of(
            "label_join(a)",
            "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1"),
        Arguments.of(
            "rate(some_metric)",
            "1:6: parse error: expected type range vector in call to function \"rate\", "
                + "got instant vector"),
        Arguments.of(
            "abs(1)",
            "1:5: parse error: expected type instant vector in call to function \"abs\", got scalar"),
        Arguments.of(
            "label_replace(a, b, c, d, e)",
            "1:18: parse error: expected type string in call to function "
                + "\"label_replace\", got instant vector"),
        Arguments.of(
            "topk(some_metric)",
            "1:1: parse error: wrong number of arguments for aggregate expression "
                + "provided, expected 2, got 1"),
        Arguments.of("sum()", "1:1: parse error: no arguments for aggregate expression provided"),
        Arguments.of(
            "topk(some_metric, other_metric)",
            "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"),
        Arguments.of(
            "count_values(5, other_metric)",
            "1:14: parse error: expected type string in aggregation parameter, got scalar"),
        Arguments.of(
            "sum(rate(foo[5m])[5m])",
            "1:18: parse error: ranges only allowed for vector selectors"),
        Arguments.of(
            "rate(foo[5m])[5m:1m] + 1",
            "1:1: parse error: binary expression must contain only scalar and instant vector types"),
        Arguments.of(
            "sum(foo[5m])",
            "1:5: parse error: expected type instant vector in aggregation expression, "
                + "got range vector"),
        Arguments.of("foo\n  + bar{", "2:9: parse error: unexpected end of input inside braces"),
        Arguments.of(
            "\"ä\" + x",
            "1:1: parse error: binary expression must contain only scalar and instant vector types"),
        Arguments.of(
            "x + \"ä\"",
            "1:5: parse error: binary expression must contain only scalar and instant vector types"),
        Arguments.of("\"ä\" + x $", "1:10: parse error: unexpected character: '$'"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cases")
  void reportsPrometheusError(String query, String expected) {
    PromQLParseException e = assertThrows(PromQLParseException.class, () -> PromQL.parse(query));
    assertEquals(expected, e.getMessage());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cases")
  void exposesPositionSeparately(String query, String expected) {
    PromQLParseException e = assertThrows(PromQLParseException.class, () -> PromQL.parse(query));
    assertEquals(expected, e.line() + ":" + e.column() + ": parse error: " + e.detail());
  }
}
