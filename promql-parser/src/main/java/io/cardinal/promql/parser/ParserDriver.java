package io.cardinal.promql.parser;

import io.cardinal.promql.DeepStack;
import io.cardinal.promql.ParseTimeoutException;
import io.cardinal.promql.PromQLParseException;
import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.ast.LabelMatcher;
import java.util.List;
import java.util.function.Function;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.tree.ErrorNode;
import org.antlr.v4.runtime.tree.ParseTreeListener;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Runs lexer, parser (SLL prediction first, full LL on failure, no error recovery), AST builder and
 * type checker. Use {@link io.cardinal.promql.PromQL} rather than this class.
 */
public final class ParserDriver {

  private ParserDriver() {}

  /** Parses and type checks a PromQL expression. */
  public static Expr parseExpr(String query) {
    return parseExpr(query, Long.MAX_VALUE);
  }

  /**
   * Parses and type checks a PromQL expression, giving up at {@code deadlineNanos}.
   *
   * @throws ParseTimeoutException if the deadline passes first
   */
  public static Expr parseExpr(String query, long deadlineNanos) {
    return withDeepStackFallback(
        query,
        q -> {
          Parse p = new Parse(q);
          if (deadlineNanos != Long.MAX_VALUE) {
            p.parser.addParseListener(new Deadline(deadlineNanos));
          }
          PromQLParser.QueryContext tree = p.run(PromQLParser::query);
          Expr expr = new AstBuilder(p.source).visitQuery(tree);
          new TypeChecker(p.source).check(expr);
          return expr;
        });
  }

  /**
   * Parses a series selector such as {@code up{job="x"}} (the {@code match[]} parameter) into
   * matchers.
   */
  public static List<LabelMatcher> parseMatchers(String selector) {
    return withDeepStackFallback(
        selector,
        q -> {
          Parse p = new Parse(q);
          PromQLParser.MetricSelectorContext tree = p.run(PromQLParser::metricSelector);
          return new AstBuilder(p.source).visitMetricSelector(tree).matchers();
        });
  }

  private static <T> T withDeepStackFallback(String query, Function<String, T> work) {
    try {
      return DeepStack.call("parsing", () -> work.apply(query));
    } catch (DeepStack.TooDeepException e) {
      throw new PromQLParseException(1, 1, "expression nesting too deep");
    }
  }

  /**
   * Checks the clock and for cancellation every 1,024 rules the parser enters; parsing is the part
   * that grows.
   */
  private static final class Deadline implements ParseTreeListener {
    private final long deadlineNanos;
    private int rules;

    Deadline(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void enterEveryRule(ParserRuleContext ctx) {
      if ((++rules & 1023) == 0) {
        if (Thread.currentThread().isInterrupted()) {
          // The client went away (the web server's disconnect watch interrupts the thread).
          throw ParseTimeoutException.canceled();
        }
        if (System.nanoTime() - deadlineNanos > 0) {
          throw ParseTimeoutException.timedOut();
        }
      }
    }

    @Override
    public void exitEveryRule(ParserRuleContext ctx) {}

    @Override
    public void visitTerminal(TerminalNode node) {}

    @Override
    public void visitErrorNode(ErrorNode node) {}
  }

  /** One parse: lexing up front, SLL then LL. */
  private static final class Parse {
    final SourceText source;
    final CommonTokenStream tokens;
    final PromQLParser parser;

    Parse(String query) {
      source = new SourceText(query);
      PromQLLexer lexer = new PromQLLexer(CharStreams.fromString(query));
      lexer.removeErrorListeners();
      tokens = new CommonTokenStream(new PromQLTokenSource(lexer));
      tokens.fill();
      parser = new PromQLParser(tokens);
      parser.removeErrorListeners();
      parser.setErrorHandler(new BailErrorStrategy());
    }

    <T extends ParserRuleContext> T run(Function<PromQLParser, T> rule) {
      Token first = tokens.get(0);
      for (int i = 0; first.getChannel() != Token.DEFAULT_CHANNEL; i++) {
        first = tokens.get(i + 1);
      }
      if (first.getType() == Token.EOF) {
        throw source.error(0, "no expression found in input");
      }
      parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
      try {
        return rule.apply(parser);
      } catch (ParseCancellationException sllFailure) {
        tokens.seek(0);
        parser.reset();
        parser.getInterpreter().setPredictionMode(PredictionMode.LL);
        try {
          return rule.apply(parser);
        } catch (ParseCancellationException e) {
          Token offending = parser.getCurrentToken();
          ParserRuleContext ctx = parser.getContext();
          if (e.getCause() instanceof RecognitionException re) {
            if (re.getOffendingToken() != null) {
              offending = re.getOffendingToken();
            }
            if (re.getCtx() instanceof ParserRuleContext rc) {
              ctx = rc;
            }
          }
          throw SyntaxErrors.build(source, tokens, offending, ctx);
        }
      }
    }
  }
}
