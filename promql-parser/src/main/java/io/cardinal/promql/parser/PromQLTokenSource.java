package io.cardinal.promql.parser;

import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;
import org.antlr.v4.runtime.misc.Pair;

/**
 * Wraps the generated lexer and reproduces the lexer-level errors of Prometheus: malformed tokens,
 * unbalanced parentheses/brackets/braces and unterminated strings become one {@link
 * PromQLLexer#ERROR} token whose text is Prometheus' message; the stream ends after it (Prometheus
 * stops lexing at the first error). Since no grammar rule accepts ERROR, the parser fails on it
 * unless it failed earlier, so the first error in input order wins, as in Prometheus.
 */
final class PromQLTokenSource implements TokenSource {

  /** Nesting depth ((, [, {) beyond which the query is rejected. */
  static final int MAX_NESTING = 10_000;

  private final PromQLLexer lexer;
  private int parenDepth;
  private boolean inBraces;
  private boolean inBrackets;
  private boolean finished;
  private Token eof;

  PromQLTokenSource(PromQLLexer lexer) {
    this.lexer = lexer;
  }

  @Override
  public Token nextToken() {
    if (finished) {
      return eofToken();
    }
    Token t = lexer.nextToken();
    if (t.getChannel() != Token.DEFAULT_CHANNEL) {
      return t;
    }
    String text = t.getText();
    switch (t.getType()) {
      case PromQLLexer.LEFT_PAREN -> {
        if (++parenDepth > MAX_NESTING) {
          return error(
              t, "expression nesting too deep (more than " + MAX_NESTING + " parentheses)");
        }
      }
      case PromQLLexer.RIGHT_PAREN -> {
        if (--parenDepth < 0) {
          return error(t, "unexpected right parenthesis ')'");
        }
      }
      case PromQLLexer.LEFT_BRACE -> inBraces = true;
      case PromQLLexer.RIGHT_BRACE -> {
        if (!inBraces) {
          return error(t, "unexpected character: '}'");
        }
        inBraces = false;
      }
      case PromQLLexer.LEFT_BRACKET -> inBrackets = true;
      case PromQLLexer.RIGHT_BRACKET -> {
        if (!inBrackets) {
          return error(t, "unexpected right bracket ']'");
        }
        inBrackets = false;
      }
      case PromQLLexer.EQL_TILDE_ERR -> {
        return error(t, "unexpected character after '=': '~'");
      }
      case PromQLLexer.BANG_ERR -> {
        return error(t, "unexpected character after '!': " + quoteSecond(text));
      }
      case PromQLLexer.CHAR_ERR -> {
        return error(t, "unexpected character: " + SourceText.quoteRune(text.codePointAt(0)));
      }
      case PromQLLexer.BR_LEFT_BRACE_ERR -> {
        return error(t, "unexpected left brace '{'");
      }
      case PromQLLexer.BR_BANG_ERR -> {
        return error(t, "unexpected character after '!' inside braces: " + quoteSecond(text));
      }
      case PromQLLexer.BR_CHAR_ERR -> {
        return error(
            t, "unexpected character inside braces: " + SourceText.quoteRune(text.codePointAt(0)));
      }
      case PromQLLexer.BK_LEFT_BRACKET_ERR, PromQLLexer.BK_CHAR_ERR -> {
        return error(
            t,
            "unexpected character in duration expression: "
                + SourceText.quoteRune(text.codePointAt(0)));
      }
      case PromQLLexer.BAD_NUMBER -> {
        return error(t, Literals.badNumberMessage(text));
      }
      case PromQLLexer.UNTERMINATED_STRING -> {
        return error(t, "unterminated quoted string");
      }
      case PromQLLexer.UNTERMINATED_RAW -> {
        return error(t, "unterminated raw string");
      }
      case Token.EOF -> {
        if (inBraces) {
          return error(t, "unexpected end of input inside braces");
        }
        if (inBrackets) {
          return error(t, "unexpected end of input in duration expression");
        }
        if (parenDepth != 0) {
          return error(t, "unclosed left parenthesis");
        }
        finished = true;
        eof = t;
      }
      default -> {
        // a regular token
      }
    }
    return t;
  }

  private static String quoteSecond(String text) {
    int first = Character.charCount(text.codePointAt(0));
    return text.length() > first ? SourceText.quoteRune(text.codePointAt(first)) : "'\\ufffd'";
  }

  private Token error(Token at, String message) {
    finished = true;
    CommonToken err =
        new CommonToken(
            new Pair<>(this, lexer.getInputStream()),
            PromQLLexer.ERROR,
            Token.DEFAULT_CHANNEL,
            at.getStartIndex(),
            at.getStartIndex() - 1);
    err.setText(message);
    err.setLine(at.getLine());
    err.setCharPositionInLine(at.getCharPositionInLine());
    return err;
  }

  private Token eofToken() {
    if (eof == null) {
      int idx = lexer.getInputStream().size();
      CommonToken t =
          new CommonToken(
              new Pair<>(this, lexer.getInputStream()),
              Token.EOF,
              Token.DEFAULT_CHANNEL,
              idx,
              idx - 1);
      t.setText("<EOF>");
      eof = t;
    }
    return eof;
  }

  @Override
  public int getLine() {
    return lexer.getLine();
  }

  @Override
  public int getCharPositionInLine() {
    return lexer.getCharPositionInLine();
  }

  @Override
  public CharStream getInputStream() {
    return lexer.getInputStream();
  }

  @Override
  public String getSourceName() {
    return lexer.getSourceName();
  }

  @Override
  public void setTokenFactory(TokenFactory<?> factory) {
    lexer.setTokenFactory(factory);
  }

  @Override
  public TokenFactory<?> getTokenFactory() {
    return lexer.getTokenFactory();
  }
}
