package io.cardinal.promql.parser;

import io.cardinal.promql.PromQLParseException;
import java.util.Set;
import org.antlr.v4.runtime.RuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * Turns the token at which the (bailing) parser stopped into a Prometheus-style message: {@code
 * unexpected <token description>[ in <context>][, expected <what>]}. Token descriptions follow
 * Prometheus' lexer ({@code <op:+>}, {@code <aggr:sum>}, {@code <by>}, {@code identifier "foo"},
 * {@code "("}, {@code end of input}).
 */
final class SyntaxErrors {

  private static final Set<Integer> OPERATORS =
      Set.of(
          PromQLLexer.ADD,
          PromQLLexer.SUB,
          PromQLLexer.MUL,
          PromQLLexer.DIV,
          PromQLLexer.MOD,
          PromQLLexer.POW,
          PromQLLexer.EQLC,
          PromQLLexer.NEQ,
          PromQLLexer.LTE,
          PromQLLexer.LSS,
          PromQLLexer.GTE,
          PromQLLexer.GTR,
          PromQLLexer.AND,
          PromQLLexer.OR,
          PromQLLexer.UNLESS,
          PromQLLexer.ATAN2,
          PromQLLexer.AT,
          PromQLLexer.EQL_REGEX,
          PromQLLexer.NEQ_REGEX,
          PromQLLexer.TRIM_UPPER,
          PromQLLexer.TRIM_LOWER);
  private static final Set<Integer> AGGREGATORS =
      Set.of(
          PromQLLexer.SUM,
          PromQLLexer.AVG,
          PromQLLexer.COUNT,
          PromQLLexer.MIN,
          PromQLLexer.MAX,
          PromQLLexer.GROUP,
          PromQLLexer.STDDEV,
          PromQLLexer.STDVAR,
          PromQLLexer.TOPK,
          PromQLLexer.BOTTOMK,
          PromQLLexer.COUNT_VALUES,
          PromQLLexer.QUANTILE,
          PromQLLexer.LIMITK,
          PromQLLexer.LIMIT_RATIO);
  private static final Set<Integer> KEYWORDS =
      Set.of(
          PromQLLexer.BOOL,
          PromQLLexer.BY,
          PromQLLexer.GROUP_LEFT,
          PromQLLexer.GROUP_RIGHT,
          PromQLLexer.IGNORING,
          PromQLLexer.OFFSET,
          PromQLLexer.ON,
          PromQLLexer.WITHOUT,
          PromQLLexer.SMOOTHED,
          PromQLLexer.ANCHORED,
          PromQLLexer.FILL,
          PromQLLexer.FILL_LEFT,
          PromQLLexer.FILL_RIGHT);
  private static final Set<Integer> MATCH_OPS =
      Set.of(PromQLLexer.EQL, PromQLLexer.NEQ, PromQLLexer.EQL_REGEX, PromQLLexer.NEQ_REGEX);

  private SyntaxErrors() {}

  static PromQLParseException build(
      SourceText source, TokenStream tokens, Token offending, RuleContext ctx) {
    if (offending.getType() == PromQLLexer.ERROR) {
      return source.error(offending.getStartIndex(), offending.getText());
    }
    String[] where = context(tokens, offending, ctx);
    StringBuilder msg = new StringBuilder("unexpected ").append(describe(offending));
    if (!where[0].isEmpty()) {
      msg.append(" in ").append(where[0]);
    }
    if (!where[1].isEmpty()) {
      msg.append(", expected ").append(where[1]);
    }
    return source.error(offending.getStartIndex(), msg.toString());
  }

  /** Prometheus' Item.desc(). */
  static String describe(Token t) {
    int type = t.getType();
    String text = t.getText();
    if (type == Token.EOF) {
      return "end of input";
    }
    if (OPERATORS.contains(type)) {
      return "<op:" + text + ">";
    }
    if (AGGREGATORS.contains(type)) {
      return "<aggr:" + text + ">";
    }
    if (KEYWORDS.contains(type)) {
      return "<" + text + ">";
    }
    return switch (type) {
      case PromQLLexer.IDENTIFIER, PromQLLexer.MIN_OF, PromQLLexer.MAX_OF ->
          "identifier " + Literals.goQuote(text);
      case PromQLLexer.METRIC_IDENTIFIER -> "metric identifier " + Literals.goQuote(text);
      case PromQLLexer.NUMBER -> "number " + truncatedQuote(text);
      case PromQLLexer.DURATION -> "duration " + truncatedQuote(text);
      case PromQLLexer.STRING -> "string " + truncatedQuote(text);
      default -> Literals.goQuote(text);
    };
  }

  /** Go's {@code %.10q...} for long values, {@code %q} otherwise. */
  private static String truncatedQuote(String text) {
    if (text.codePointCount(0, text.length()) > 10) {
      return Literals.goQuote(text.substring(0, text.offsetByCodePoints(0, 10))) + "...";
    }
    return Literals.goQuote(text);
  }

  private static String[] context(TokenStream tokens, Token offending, RuleContext ctx) {
    Token prev = previous(tokens, offending);
    int prevType = prev == null ? -1 : prev.getType();

    // Inside [ ... ]: range and subquery selectors.
    int bracket = openBracket(tokens, offending);
    if (bracket >= 0) {
      boolean colon = false;
      for (int i = bracket + 1; i < offending.getTokenIndex(); i++) {
        if (tokens.get(i).getType() == PromQLLexer.COLON) {
          colon = true;
        }
      }
      if (colon) {
        return prevType == PromQLLexer.COLON
            ? new String[] {"subquery selector", "number, duration, step(), range(), or \"]\""}
            : new String[] {"subquery selector", "\"]\""};
      }
      return prevType == PromQLLexer.LEFT_BRACKET
          ? new String[] {"subquery or range selector", "number, duration, step(), or range()"}
          : new String[] {"subquery or range", "\":\" or \"]\""};
    }

    for (RuleContext c = ctx; c != null; c = c.parent) {
      if (c instanceof PromQLParser.GroupingLabelsContext
          || c instanceof PromQLParser.GroupingLabelContext
          || c instanceof PromQLParser.GroupingContext
          || c instanceof PromQLParser.OnOrIgnoringContext) {
        if (prevType == PromQLLexer.BY
            || prevType == PromQLLexer.WITHOUT
            || prevType == PromQLLexer.ON
            || prevType == PromQLLexer.IGNORING) {
          return new String[] {"grouping opts", "\"(\""};
        }
        if (prevType == PromQLLexer.LEFT_PAREN || prevType == PromQLLexer.COMMA) {
          return new String[] {"grouping opts", "label"};
        }
        return new String[] {"grouping opts", "\",\" or \")\""};
      }
      if (c instanceof PromQLParser.LabelMatchersContext
          || c instanceof PromQLParser.LabelMatcherContext) {
        if (prevType == PromQLLexer.LEFT_BRACE || prevType == PromQLLexer.COMMA) {
          return new String[] {"label matching", "identifier or \"}\""};
        }
        if (prevType == PromQLLexer.IDENTIFIER) {
          return new String[] {"label matching", "label matching operator"};
        }
        if (MATCH_OPS.contains(prevType)) {
          return new String[] {"label matching", "string"};
        }
        return new String[] {"label matching", "\",\" or \"}\""};
      }
      if (c instanceof PromQLParser.OffsetValueContext
          || c instanceof PromQLParser.OffsetModifierContext) {
        return new String[] {"offset", "number, duration, step(), or range()"};
      }
      if (c instanceof PromQLParser.AtValueContext || c instanceof PromQLParser.AtModifierContext) {
        return new String[] {"@", "timestamp"};
      }
      if (c instanceof PromQLParser.AggregateContext) {
        return new String[] {"aggregation", ""};
      }
      if (c instanceof PromQLParser.FunctionArgsContext || c instanceof PromQLParser.QueryContext) {
        break;
      }
    }
    if (prev != null
        && AGGREGATORS.contains(prevType)
        && offending.getType() != PromQLLexer.LEFT_BRACE) {
      return new String[] {"aggregation", ""};
    }
    return new String[] {"", ""};
  }

  private static Token previous(TokenStream tokens, Token t) {
    for (int i = t.getTokenIndex() - 1; i >= 0; i--) {
      Token p = tokens.get(i);
      if (p.getChannel() == Token.DEFAULT_CHANNEL) {
        return p;
      }
    }
    return null;
  }

  /** Index of the still-open '[' before the token, or -1. */
  private static int openBracket(TokenStream tokens, Token t) {
    for (int i = t.getTokenIndex() - 1; i >= 0; i--) {
      int type = tokens.get(i).getType();
      if (type == PromQLLexer.RIGHT_BRACKET) {
        return -1;
      }
      if (type == PromQLLexer.LEFT_BRACKET) {
        return i;
      }
    }
    return -1;
  }
}
