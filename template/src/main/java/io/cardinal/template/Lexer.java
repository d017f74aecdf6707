package io.cardinal.template;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Splits template text into tokens the way Go's text/template lexer does: text outside {@code {{
 * }}}, trim markers ({@code "{{- "} and {@code " -}}"}) removing the neighbouring white space,
 * comments dropped, and inside actions the operands, keywords and punctuation. The token list ends
 * with an EOF token, or with an ERROR token carrying Go's message.
 */
final class Lexer {
  enum Type {
    ERROR,
    BOOL,
    CHAR,
    CHAR_CONSTANT,
    COMPLEX,
    ASSIGN,
    DECLARE,
    EOF,
    FIELD,
    IDENTIFIER,
    LEFT_DELIM,
    LEFT_PAREN,
    NUMBER,
    PIPE,
    RAW_STRING,
    RIGHT_DELIM,
    RIGHT_PAREN,
    SPACE,
    STRING,
    TEXT,
    VARIABLE,
    // keywords (Go prints these as <word>)
    BLOCK,
    BREAK,
    CONTINUE,
    DOT,
    DEFINE,
    ELSE,
    END,
    IF,
    NIL,
    RANGE,
    TEMPLATE,
    WITH;

    boolean keyword() {
      return ordinal() >= BLOCK.ordinal();
    }
  }

  /** One token: its type, its offset in the text, its text and the line it starts on. */
  record Token(Type type, int pos, String val, int line) {
    /** Go's rendering of a token in "unexpected ..." messages. */
    @Override
    public String toString() {
      if (type == Type.EOF) {
        return "EOF";
      }
      if (type == Type.ERROR) {
        return val;
      }
      if (type.keyword()) {
        return "<" + val + ">";
      }
      if (GoStrconv.utf8Len(val) > 10) {
        int end = val.codePointCount(0, val.length()) > 10 ? val.offsetByCodePoints(0, 10) : 0;
        return GoStrconv.quote(end > 0 ? val.substring(0, end) : val) + "...";
      }
      return GoStrconv.quote(val);
    }
  }

  private static final Map<String, Type> KEYWORDS =
      Map.ofEntries(
          Map.entry(".", Type.DOT),
          Map.entry("block", Type.BLOCK),
          Map.entry("break", Type.BREAK),
          Map.entry("continue", Type.CONTINUE),
          Map.entry("define", Type.DEFINE),
          Map.entry("else", Type.ELSE),
          Map.entry("end", Type.END),
          Map.entry("if", Type.IF),
          Map.entry("range", Type.RANGE),
          Map.entry("nil", Type.NIL),
          Map.entry("template", Type.TEMPLATE),
          Map.entry("with", Type.WITH));

  private static final String LEFT = "{{";
  private static final String RIGHT = "}}";
  private static final int EOF_CHAR = -1;

  private final String in;
  private final int[] newlines;
  private final List<Token> out = new ArrayList<>();
  private int pos;
  private int start;
  private int parenDepth;

  private Lexer(String in) {
    this.in = in;
    int[] nl = new int[16];
    int n = 0;
    for (int i = 0; i < in.length(); i++) {
      if (in.charAt(i) == '\n') {
        if (n == nl.length) {
          nl = Arrays.copyOf(nl, n * 2);
        }
        nl[n++] = i;
      }
    }
    this.newlines = Arrays.copyOf(nl, n);
  }

  static List<Token> lex(String input) {
    Lexer l = new Lexer(input);
    l.run();
    return l.out;
  }

  private enum State {
    TEXT,
    LEFT_DELIM,
    INSIDE,
    DONE
  }

  private void run() {
    State s = State.TEXT;
    while (s != State.DONE) {
      s =
          switch (s) {
            case TEXT -> lexText();
            case LEFT_DELIM -> lexLeftDelim();
            case INSIDE -> lexInsideAction();
            default -> State.DONE;
          };
    }
  }

  /** The line number (1-based) of an offset. */
  private int lineOf(int p) {
    int i = Arrays.binarySearch(newlines, p);
    return 1 + (i >= 0 ? i : -i - 1);
  }

  private void emit(Type t) {
    out.add(new Token(t, start, in.substring(start, pos), lineOf(start)));
    start = pos;
  }

  private State error(String msg) {
    out.add(new Token(Type.ERROR, start, msg, lineOf(start)));
    return State.DONE;
  }

  private static boolean isSpace(int c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static boolean isAlphaNumeric(int c) {
    return c == '_' || Character.isLetter(c) || Character.isDigit(c);
  }

  private boolean hasLeftTrimMarker(int i) {
    return i + 1 < in.length() && in.charAt(i) == '-' && isSpace(in.charAt(i + 1));
  }

  private boolean hasRightTrimMarker(int i) {
    return i >= 0 && i + 1 < in.length() && isSpace(in.charAt(i)) && in.charAt(i + 1) == '-';
  }

  /** Whether a right delimiter starts at {@code i}; [1] tells whether it has a trim marker. */
  private boolean[] atRightDelim(int i) {
    if (hasRightTrimMarker(i) && in.startsWith(RIGHT, i + 2)) {
      return new boolean[] {true, true};
    }
    return new boolean[] {in.startsWith(RIGHT, i), false};
  }

  private int peek() {
    return pos < in.length() ? in.codePointAt(pos) : EOF_CHAR;
  }

  private int next() {
    if (pos >= in.length()) {
      return EOF_CHAR;
    }
    int c = in.codePointAt(pos);
    pos += Character.charCount(c);
    return c;
  }

  private void backup(int c) {
    if (c != EOF_CHAR) {
      pos -= Character.charCount(c);
    }
  }

  private State lexText() {
    int x = in.indexOf(LEFT, pos);
    if (x >= 0) {
      if (x > pos) {
        int end = x;
        if (hasLeftTrimMarker(x + LEFT.length())) {
          while (end > start && isSpace(in.charAt(end - 1))) {
            end--;
          }
        }
        pos = end;
        if (pos > start) {
          emit(Type.TEXT);
        }
        pos = x;
        start = x;
      }
      return State.LEFT_DELIM;
    }
    pos = in.length();
    if (pos > start) {
      emit(Type.TEXT);
    }
    emit(Type.EOF);
    return State.DONE;
  }

  private State lexLeftDelim() {
    pos += LEFT.length();
    boolean trim = hasLeftTrimMarker(pos);
    int afterMarker = trim ? 2 : 0;
    if (in.startsWith("/*", pos + afterMarker)) {
      pos += afterMarker;
      start = pos;
      return lexComment();
    }
    Token t = new Token(Type.LEFT_DELIM, start, LEFT, lineOf(start));
    out.add(t);
    pos += afterMarker;
    start = pos;
    parenDepth = 0;
    return State.INSIDE;
  }

  private State lexComment() {
    pos += 2;
    int x = in.indexOf("*/", pos);
    if (x < 0) {
      return error("unclosed comment");
    }
    pos = x + 2;
    boolean[] d = atRightDelim(pos);
    if (!d[0]) {
      return error("comment ends before closing delimiter");
    }
    if (d[1]) {
      pos += 2;
    }
    pos += RIGHT.length();
    if (d[1]) {
      while (pos < in.length() && isSpace(in.charAt(pos))) {
        pos++;
      }
    }
    start = pos;
    return State.TEXT;
  }

  private State lexRightDelim() {
    boolean trim = atRightDelim(pos)[1];
    if (trim) {
      pos += 2;
      start = pos;
    }
    pos += RIGHT.length();
    emit(Type.RIGHT_DELIM);
    if (trim) {
      while (pos < in.length() && isSpace(in.charAt(pos))) {
        pos++;
      }
      start = pos;
    }
    return State.TEXT;
  }

  private State lexInsideAction() {
    boolean[] d = atRightDelim(pos);
    if (d[0]) {
      if (parenDepth == 0) {
        return lexRightDelim();
      }
      return error("unclosed left paren");
    }
    int r = next();
    if (r == EOF_CHAR) {
      return error("unclosed action");
    }
    if (isSpace(r)) {
      backup(r);
      return lexSpace();
    }
    switch (r) {
      case '=':
        emit(Type.ASSIGN);
        return State.INSIDE;
      case ':':
        if (next() != '=') {
          return error("expected :=");
        }
        emit(Type.DECLARE);
        return State.INSIDE;
      case '|':
        emit(Type.PIPE);
        return State.INSIDE;
      case '"':
        return lexQuote();
      case '`':
        return lexRawQuote();
      case '$':
        return lexFieldOrVariable(Type.VARIABLE);
      case '\'':
        return lexChar();
      case '(':
        parenDepth++;
        emit(Type.LEFT_PAREN);
        return State.INSIDE;
      case ')':
        parenDepth--;
        if (parenDepth < 0) {
          return error("unexpected right paren");
        }
        emit(Type.RIGHT_PAREN);
        return State.INSIDE;
      default:
        break;
    }
    if (r == '.') {
      // ".field" unless a digit follows, which makes a number like .5
      if (pos < in.length()) {
        char c = in.charAt(pos);
        if (c < '0' || c > '9') {
          return lexFieldOrVariable(Type.FIELD);
        }
      }
      backup(r);
      return lexNumber();
    }
    if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
      backup(r);
      return lexNumber();
    }
    if (isAlphaNumeric(r)) {
      backup(r);
      return lexIdentifier();
    }
    if (r <= 0x7F && GoStrconv.isPrint(r)) {
      emit(Type.CHAR);
      return State.INSIDE;
    }
    return error("unrecognized character in action: " + sharpU(r));
  }

  /** Go's {@code %#U}: {@code U+0041 'A'}, or just {@code U+00A0} when not printable. */
  static String sharpU(int r) {
    StringBuilder b = new StringBuilder("U+");
    String hex = Integer.toHexString(r).toUpperCase(java.util.Locale.ROOT);
    for (int i = hex.length(); i < 4; i++) {
      b.append('0');
    }
    b.append(hex);
    if (GoStrconv.isPrint(r)) {
      b.append(" '").appendCodePoint(r).append('\'');
    }
    return b.toString();
  }

  private State lexSpace() {
    int numSpaces = 0;
    while (pos < in.length() && isSpace(in.charAt(pos))) {
      pos++;
      numSpaces++;
    }
    // A trim-marked right delimiter starts with a space: leave that space to it.
    if (hasRightTrimMarker(pos - 1) && in.startsWith(RIGHT, pos + 1)) {
      pos--;
      if (numSpaces == 1) {
        return lexRightDelim();
      }
    }
    emit(Type.SPACE);
    return State.INSIDE;
  }

  private boolean atTerminator() {
    int r = peek();
    if (r == EOF_CHAR || isSpace(r)) {
      return true;
    }
    switch (r) {
      case '.', ',', '|', ':', ')', '(':
        return true;
      default:
        return in.startsWith(RIGHT, pos);
    }
  }

  private State lexFieldOrVariable(Type t) {
    if (atTerminator()) {
      emit(t == Type.VARIABLE ? Type.VARIABLE : Type.DOT);
      return State.INSIDE;
    }
    int r;
    while (true) {
      r = next();
      if (!isAlphaNumeric(r)) {
        backup(r);
        break;
      }
    }
    if (!atTerminator()) {
      return error("bad character " + sharpU(r));
    }
    emit(t);
    return State.INSIDE;
  }

  private State lexIdentifier() {
    int r;
    while (true) {
      r = next();
      if (!isAlphaNumeric(r)) {
        backup(r);
        break;
      }
    }
    if (!atTerminator()) {
      return error("bad character " + sharpU(r));
    }
    String word = in.substring(start, pos);
    Type kw = KEYWORDS.get(word);
    if (kw != null) {
      emit(kw);
    } else if (word.equals("true") || word.equals("false")) {
      emit(Type.BOOL);
    } else {
      emit(Type.IDENTIFIER);
    }
    return State.INSIDE;
  }

  private State lexQuote() {
    while (true) {
      int c = next();
      if (c == '\\') {
        int e = next();
        if (e != EOF_CHAR && e != '\n') {
          continue;
        }
        return error("unterminated quoted string");
      }
      if (c == EOF_CHAR || c == '\n') {
        return error("unterminated quoted string");
      }
      if (c == '"') {
        break;
      }
    }
    emit(Type.STRING);
    return State.INSIDE;
  }

  private State lexRawQuote() {
    while (true) {
      int c = next();
      if (c == EOF_CHAR) {
        return error("unterminated raw quoted string");
      }
      if (c == '`') {
        break;
      }
    }
    emit(Type.RAW_STRING);
    return State.INSIDE;
  }

  private State lexChar() {
    while (true) {
      int c = next();
      if (c == '\\') {
        int e = next();
        if (e != EOF_CHAR && e != '\n') {
          continue;
        }
        return error("unterminated character constant");
      }
      if (c == EOF_CHAR || c == '\n') {
        return error("unterminated character constant");
      }
      if (c == '\'') {
        break;
      }
    }
    emit(Type.CHAR_CONSTANT);
    return State.INSIDE;
  }

  private State lexNumber() {
    if (!scanNumber()) {
      return error("bad number syntax: " + GoStrconv.quote(in.substring(start, pos)));
    }
    int sign = peek();
    if (sign == '+' || sign == '-') {
      if (!scanNumber() || in.charAt(pos - 1) != 'i') {
        return error("bad number syntax: " + GoStrconv.quote(in.substring(start, pos)));
      }
      emit(Type.COMPLEX);
      return State.INSIDE;
    }
    emit(Type.NUMBER);
    return State.INSIDE;
  }

  private boolean accept(String valid) {
    if (pos < in.length() && valid.indexOf(in.charAt(pos)) >= 0) {
      pos++;
      return true;
    }
    return false;
  }

  private void acceptRun(String valid) {
    while (accept(valid)) {
      // consume
    }
  }

  private boolean scanNumber() {
    accept("+-");
    String digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (accept("oO")) {
        digits = "01234567_";
      } else if (accept("bB")) {
        digits = "01_";
      }
    }
    acceptRun(digits);
    if (accept(".")) {
      acceptRun(digits);
    }
    if (digits.length() == 11 && accept("eE")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    if (digits.length() == 23 && accept("pP")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    accept("i");
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  }
}
