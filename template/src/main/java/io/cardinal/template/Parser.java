package io.cardinal.template;

import io.cardinal.template.Lexer.Token;
import io.cardinal.template.Lexer.Type;
import io.cardinal.template.Node.ActionNode;
import io.cardinal.template.Node.BoolNode;
import io.cardinal.template.Node.BranchNode;
import io.cardinal.template.Node.BreakNode;
import io.cardinal.template.Node.ChainNode;
import io.cardinal.template.Node.CommandNode;
import io.cardinal.template.Node.ContinueNode;
import io.cardinal.template.Node.DotNode;
import io.cardinal.template.Node.ElseNode;
import io.cardinal.template.Node.EndNode;
import io.cardinal.template.Node.FieldNode;
import io.cardinal.template.Node.IdentifierNode;
import io.cardinal.template.Node.ListNode;
import io.cardinal.template.Node.NilNode;
import io.cardinal.template.Node.NumberNode;
import io.cardinal.template.Node.PipeNode;
import io.cardinal.template.Node.StringNode;
import io.cardinal.template.Node.TemplateNode;
import io.cardinal.template.Node.TextNode;
import io.cardinal.template.Node.VariableNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds parse trees from tokens following Go's text/template grammar, including its checks made at
 * parse time (undefined functions and variables, {@code break} outside {@code range}, non
 * executable pipeline stages) and its error messages {@code template: NAME:LINE: ...}.
 */
final class Parser {
  private static final BigInteger MAX_INT64 = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger MIN_INT64 = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_UINT64 =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** A parse failure; the message is Go's complete error text. */
  static final class ParseError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ParseError(String message) {
      super(message, null, false, false);
    }
  }

  private final String parseName;
  private final List<Token> toks;
  private final Map<String, ListNode> trees;
  private final Set<String> funcs;

  /** How deeply parentheses may nest (Go allows 10000; the JVM stack allows less). */
  static final int MAX_PAREN_DEPTH = 100;

  private int idx;
  private int furthest;
  private int parenDepth;

  // state of the tree being parsed (define and block start a fresh one)
  private List<String> vars = new ArrayList<>();
  private int rangeDepth;
  private int actionLine;

  private Parser(String parseName, String text, Map<String, ListNode> trees, Set<String> funcs) {
    this.parseName = parseName;
    this.toks = Lexer.lex(text);
    this.trees = trees;
    this.funcs = funcs;
  }

  /**
   * Parses {@code text} as template {@code name}, adding it and its definitions to {@code trees}.
   */
  static void parse(String name, String text, Map<String, ListNode> trees, Set<String> funcs) {
    Parser p = new Parser(name, text, trees, funcs);
    p.vars.add("$");
    ListNode root = p.parseTop();
    p.add(name, root);
  }

  // ---- token stream ----

  private Token at(int i) {
    Token t = toks.get(Math.min(i, toks.size() - 1));
    if (i > furthest) {
      furthest = Math.min(i, toks.size() - 1);
    }
    return t;
  }

  private Token next() {
    Token t = at(idx);
    if (idx < toks.size()) {
      idx++;
    }
    return t;
  }

  private void backup() {
    idx--;
  }

  private Token peek() {
    return at(idx);
  }

  private Token nextNonSpace() {
    Token t;
    do {
      t = next();
    } while (t.type() == Type.SPACE);
    return t;
  }

  private Token peekNonSpace() {
    Token t = nextNonSpace();
    backup();
    return t;
  }

  // ---- errors ----

  private ParseError errorf(String msg) {
    int line = toks.get(furthest).line();
    throw new ParseError("template: " + parseName + ":" + line + ": " + msg);
  }

  private ParseError unexpected(Token t, String context) {
    if (t.type() == Type.ERROR) {
      String extra = "";
      if (actionLine != 0 && actionLine != t.line()) {
        extra = " in action started at " + parseName + ":" + actionLine;
        if (t.val().endsWith(" action")) {
          extra = extra.substring(" in action".length());
        }
      }
      throw errorf(t.val() + extra);
    }
    throw errorf("unexpected " + t + " in " + context);
  }

  private Token expect(Type type, String context) {
    Token t = nextNonSpace();
    if (t.type() != type) {
      throw unexpected(t, context);
    }
    return t;
  }

  // ---- trees ----

  private static boolean isEmptyTree(Node n) {
    if (n == null) {
      return true;
    }
    if (n instanceof ListNode l) {
      for (Node c : l.nodes) {
        if (!isEmptyTree(c)) {
          return false;
        }
      }
      return true;
    }
    if (n instanceof TextNode t) {
      return t.text.strip().isEmpty();
    }
    return false;
  }

  private void add(String name, ListNode root) {
    ListNode existing = trees.get(name);
    if (existing == null || isEmptyTree(existing)) {
      trees.put(name, root);
      return;
    }
    if (!isEmptyTree(root)) {
      throw errorf("template: multiple definition of template " + GoStrconv.quote(name));
    }
  }

  private ListNode parseTop() {
    ListNode root = new ListNode(peek().pos());
    while (peek().type() != Type.EOF) {
      if (peek().type() == Type.LEFT_DELIM) {
        int mark = idx;
        next();
        if (nextNonSpace().type() == Type.DEFINE) {
          parseDefinition();
          continue;
        }
        idx = mark;
      }
      Node n = textOrAction();
      if (n instanceof EndNode || n instanceof ElseNode) {
        throw errorf("unexpected " + n);
      }
      root.nodes.add(n);
    }
    return root;
  }

  /** Runs {@code body} as the parse of a separate tree (define, block). */
  private <T> T inNewTree(java.util.function.Supplier<T> body) {
    List<String> savedVars = vars;
    int savedRange = rangeDepth;
    int savedActionLine = actionLine;
    vars = new ArrayList<>(List.of("$"));
    rangeDepth = 0;
    actionLine = 0;
    try {
      return body.get();
    } finally {
      vars = savedVars;
      rangeDepth = savedRange;
      actionLine = savedActionLine;
    }
  }

  private void parseDefinition() {
    String context = "define clause";
    Token nameTok = nextNonSpace();
    if (nameTok.type() != Type.STRING && nameTok.type() != Type.RAW_STRING) {
      throw unexpected(nameTok, context);
    }
    String name = unquote(nameTok.val());
    inNewTree(
        () -> {
          expect(Type.RIGHT_DELIM, context);
          Node[] end = new Node[1];
          ListNode root = itemList(end);
          if (!(end[0] instanceof EndNode)) {
            throw errorf("unexpected " + end[0] + " in " + context);
          }
          add(name, root);
          return null;
        });
  }

  private ListNode itemList(Node[] end) {
    ListNode list = new ListNode(peekNonSpace().pos());
    while (peekNonSpace().type() != Type.EOF) {
      Node n = textOrAction();
      if (n instanceof EndNode || n instanceof ElseNode) {
        end[0] = n;
        return list;
      }
      list.nodes.add(n);
    }
    throw errorf("unexpected EOF");
  }

  private Node textOrAction() {
    Token t = nextNonSpace();
    switch (t.type()) {
      case TEXT:
        return new TextNode(t.pos(), t.val());
      case LEFT_DELIM:
        actionLine = t.line();
        try {
          return action();
        } finally {
          actionLine = 0;
        }
      default:
        throw unexpected(t, "input");
    }
  }

  private Node action() {
    Token t = nextNonSpace();
    switch (t.type()) {
      case BLOCK:
        return blockControl();
      case BREAK:
        return breakOrContinue(t, true);
      case CONTINUE:
        return breakOrContinue(t, false);
      case ELSE:
        return elseControl();
      case END:
        return new EndNode(expect(Type.RIGHT_DELIM, "end").pos());
      case IF:
        return control(BranchNode.Type.IF);
      case RANGE:
        return control(BranchNode.Type.RANGE);
      case TEMPLATE:
        return templateControl();
      case WITH:
        return control(BranchNode.Type.WITH);
      default:
        break;
    }
    backup();
    Token first = peek();
    return new ActionNode(first.pos(), pipeline("command", Type.RIGHT_DELIM));
  }

  private Node breakOrContinue(Token t, boolean isBreak) {
    String word = isBreak ? "{{break}}" : "{{continue}}";
    Token n = nextNonSpace();
    if (n.type() != Type.RIGHT_DELIM) {
      throw unexpected(n, word);
    }
    if (rangeDepth == 0) {
      throw errorf(word + " outside {{range}}");
    }
    return isBreak ? new BreakNode(t.pos()) : new ContinueNode(t.pos());
  }

  private Node elseControl() {
    Token p = peekNonSpace();
    if (p.type() == Type.IF || p.type() == Type.WITH) {
      // "else if" / "else with": the if or with stays pending for the caller
      return new ElseNode(p.pos());
    }
    return new ElseNode(expect(Type.RIGHT_DELIM, "else").pos());
  }

  private BranchNode control(BranchNode.Type type) {
    String context = type.name().toLowerCase(java.util.Locale.ROOT);
    int savedVars = vars.size();
    try {
      PipeNode pipe = pipeline(context, Type.RIGHT_DELIM);
      if (type == BranchNode.Type.RANGE) {
        rangeDepth++;
      }
      Node[] next = new Node[1];
      ListNode list;
      try {
        list = itemList(next);
      } finally {
        if (type == BranchNode.Type.RANGE) {
          rangeDepth--;
        }
      }
      ListNode elseList = null;
      if (next[0] instanceof ElseNode) {
        if (type == BranchNode.Type.IF && peek().type() == Type.IF) {
          next();
          elseList = new ListNode(next[0].pos);
          elseList.nodes.add(control(BranchNode.Type.IF));
        } else if (type == BranchNode.Type.WITH && peek().type() == Type.WITH) {
          next();
          elseList = new ListNode(next[0].pos);
          elseList.nodes.add(control(BranchNode.Type.WITH));
        } else {
          elseList = itemList(next);
          if (!(next[0] instanceof EndNode)) {
            throw errorf("expected end; found " + next[0]);
          }
        }
      }
      return new BranchNode(type, pipe, list, elseList);
    } finally {
      while (vars.size() > savedVars) {
        vars.remove(vars.size() - 1);
      }
    }
  }

  private String templateName(Token t, String context) {
    if (t.type() != Type.STRING && t.type() != Type.RAW_STRING) {
      throw unexpected(t, context);
    }
    return unquote(t.val());
  }

  private Node templateControl() {
    String context = "template clause";
    Token t = nextNonSpace();
    String name = templateName(t, context);
    PipeNode pipe = null;
    if (nextNonSpace().type() != Type.RIGHT_DELIM) {
      backup();
      pipe = pipeline(context, Type.RIGHT_DELIM);
    }
    return new TemplateNode(t.pos(), name, pipe);
  }

  private Node blockControl() {
    String context = "block clause";
    Token t = nextNonSpace();
    String name = templateName(t, context);
    PipeNode pipe = pipeline(context, Type.RIGHT_DELIM);
    Node[] end = new Node[1];
    ListNode root = inNewTree(() -> itemList(end));
    if (!(end[0] instanceof EndNode)) {
      throw errorf("unexpected " + end[0] + " in " + context);
    }
    inNewTree(
        () -> {
          add(name, root);
          return null;
        });
    return new TemplateNode(t.pos(), name, pipe);
  }

  private String unquote(String lit) {
    try {
      return GoStrconv.unquote(lit);
    } catch (GoStrconv.SyntaxException e) {
      throw errorf(e.getMessage());
    }
  }

  // ---- pipelines ----

  private PipeNode pipeline(String context, Type end) {
    Token first = peekNonSpace();
    PipeNode pipe = new PipeNode(first.pos(), first.line());
    decls:
    while (true) {
      Token v = peekNonSpace();
      if (v.type() != Type.VARIABLE) {
        break;
      }
      int vIdx = idx;
      next();
      Token nx = peekNonSpace();
      if (nx.type() == Type.ASSIGN || nx.type() == Type.DECLARE) {
        pipe.isAssign = nx.type() == Type.ASSIGN;
        nextNonSpace();
        pipe.decl.add(new VariableNode(v.pos(), v.val()));
        vars.add(v.val());
        break;
      } else if (nx.type() == Type.CHAR && nx.val().equals(",")) {
        nextNonSpace();
        pipe.decl.add(new VariableNode(v.pos(), v.val()));
        vars.add(v.val());
        if (context.equals("range") && pipe.decl.size() < 2) {
          Type pt = peekNonSpace().type();
          if (pt == Type.VARIABLE || pt == Type.RIGHT_DELIM || pt == Type.RIGHT_PAREN) {
            continue decls;
          }
          throw errorf("range can only initialize variables");
        }
        throw errorf("too many declarations in " + context);
      } else {
        // "$x" is an operand, not a declaration
        idx = vIdx;
        break;
      }
    }
    while (true) {
      Token t = nextNonSpace();
      if (t.type() == end) {
        checkPipeline(pipe, context);
        return pipe;
      }
      switch (t.type()) {
        case BOOL,
            CHAR_CONSTANT,
            COMPLEX,
            DOT,
            FIELD,
            IDENTIFIER,
            NUMBER,
            NIL,
            RAW_STRING,
            STRING,
            VARIABLE,
            LEFT_PAREN -> {
          backup();
          pipe.cmds.add(command());
        }
        default -> throw unexpected(t, context);
      }
    }
  }

  private void checkPipeline(PipeNode pipe, String context) {
    if (pipe.cmds.isEmpty()) {
      throw errorf("missing value for " + context);
    }
    for (int i = 1; i < pipe.cmds.size(); i++) {
      Node a = pipe.cmds.get(i).args.get(0);
      if (a instanceof BoolNode
          || a instanceof DotNode
          || a instanceof NilNode
          || a instanceof NumberNode
          || a instanceof StringNode) {
        throw errorf("non executable command in pipeline stage " + (i + 1));
      }
    }
  }

  private CommandNode command() {
    CommandNode cmd = new CommandNode(peekNonSpace().pos());
    while (true) {
      peekNonSpace();
      Node operand = operand();
      if (operand != null) {
        cmd.args.add(operand);
      }
      Token t = next();
      if (t.type() == Type.SPACE) {
        continue;
      }
      if (t.type() == Type.RIGHT_DELIM || t.type() == Type.RIGHT_PAREN) {
        backup();
      } else if (t.type() != Type.PIPE) {
        throw unexpected(t, "operand");
      }
      break;
    }
    if (cmd.args.isEmpty()) {
      throw errorf("empty command");
    }
    return cmd;
  }

  private Node operand() {
    Node node = term();
    if (node == null) {
      return null;
    }
    if (peek().type() == Type.FIELD) {
      ChainNode chain = new ChainNode(peek().pos(), node);
      while (peek().type() == Type.FIELD) {
        chain.add(next().val());
      }
      if (node instanceof FieldNode) {
        return new FieldNode(chain.pos, chain.toString());
      }
      if (node instanceof VariableNode) {
        return new VariableNode(chain.pos, chain.toString());
      }
      if (node instanceof BoolNode
          || node instanceof StringNode
          || node instanceof NumberNode
          || node instanceof NilNode
          || node instanceof DotNode) {
        throw errorf("unexpected . after term " + GoStrconv.quote(node.toString()));
      }
      return chain;
    }
    return node;
  }

  private Node term() {
    Token t = nextNonSpace();
    switch (t.type()) {
      case IDENTIFIER:
        if (!funcs.contains(t.val())) {
          throw errorf("function " + GoStrconv.quote(t.val()) + " not defined");
        }
        return new IdentifierNode(t.pos(), t.val());
      case DOT:
        return new DotNode(t.pos());
      case NIL:
        return new NilNode(t.pos());
      case VARIABLE:
        if (!vars.contains(t.val())) {
          throw errorf("undefined variable " + GoStrconv.quote(t.val()));
        }
        return new VariableNode(t.pos(), t.val());
      case FIELD:
        return new FieldNode(t.pos(), t.val());
      case BOOL:
        return new BoolNode(t.pos(), t.val().equals("true"));
      case CHAR_CONSTANT:
      case COMPLEX:
      case NUMBER:
        return number(t);
      case LEFT_PAREN:
        if (parenDepth >= MAX_PAREN_DEPTH) {
          throw errorf("max expression depth exceeded");
        }
        parenDepth++;
        try {
          return pipeline("parenthesized pipeline", Type.RIGHT_PAREN);
        } finally {
          parenDepth--;
        }
      case STRING:
      case RAW_STRING:
        return new StringNode(t.pos(), t.val(), unquote(t.val()));
      default:
        backup();
        return null;
    }
  }

  private NumberNode number(Token t) {
    String text = t.val();
    NumberNode n = new NumberNode(t.pos(), text);
    if (t.type() == Type.CHAR_CONSTANT) {
      int[] pos = {1};
      long v;
      try {
        v = GoStrconv.unquoteChar(text, pos, '\'');
      } catch (GoStrconv.SyntaxException e) {
        throw errorf(e.getMessage());
      }
      if (!text.substring(pos[0]).equals("'")) {
        throw errorf("malformed character constant: " + text);
      }
      n.isInt = n.isUint = n.isFloat = true;
      n.intValue = v;
      n.floatValue = v;
      return n;
    }
    if (t.type() == Type.COMPLEX || text.endsWith("i")) {
      throw errorf("complex constants are not supported: " + GoStrconv.quote(text));
    }
    BigInteger i = GoStrconv.parseIntBase0(text);
    if (i != null) {
      if (i.signum() >= 0 && i.compareTo(MAX_UINT64) <= 0) {
        n.isUint = true;
      }
      if (i.compareTo(MIN_INT64) >= 0 && i.compareTo(MAX_INT64) <= 0) {
        n.isInt = true;
        n.intValue = i.longValue();
        if (text.startsWith("-") && i.signum() == 0) {
          n.isUint = true;
        }
      }
    }
    if (n.isInt) {
      n.isFloat = true;
      n.floatValue = n.intValue;
    } else if (n.isUint) {
      n.isFloat = true;
      n.floatValue = i.doubleValue();
    } else {
      double f;
      try {
        f = GoStrconv.parseFloat(text);
      } catch (GoStrconv.NumError e) {
        throw errorf("illegal number syntax: " + GoStrconv.quote(text));
      }
      if (!text.matches(".*[.eEpP].*")) {
        throw errorf("integer overflow: " + GoStrconv.quote(text));
      }
      n.isFloat = true;
      n.floatValue = f;
      if (f == Math.rint(f) && f >= -0x1p63 && f < 0x1p63) {
        n.isInt = true;
        n.intValue = (long) f;
      }
    }
    return n;
  }
}
