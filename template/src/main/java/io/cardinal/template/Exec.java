package io.cardinal.template;

import io.cardinal.template.Fn.T;
import io.cardinal.template.Node.ActionNode;
import io.cardinal.template.Node.BoolNode;
import io.cardinal.template.Node.BranchNode;
import io.cardinal.template.Node.BreakNode;
import io.cardinal.template.Node.ChainNode;
import io.cardinal.template.Node.CommandNode;
import io.cardinal.template.Node.ContinueNode;
import io.cardinal.template.Node.DotNode;
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
import io.cardinal.template.Values.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One execution of a template: walks the tree with Go's evaluation rules (pipelines, the final
 * value piped as last argument, field chains, variables scoped to the enclosing control structure,
 * truth, range order) and reports errors the way Go does: {@code template: NAME:LINE:COL: executing
 * "NAME" at <NODE>: MESSAGE}.
 */
final class Exec {
  /** How deep {@code template} calls may nest (Go allows 100000; the JVM stack allows less). */
  static final int MAX_DEPTH = 200;

  /** An execution failure; the message is Go's complete error text. */
  static final class ExecError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExecError(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Signal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Signal() {
      super(null, null, false, false);
    }
  }

  private static final Signal BREAK = new Signal();
  private static final Signal CONTINUE = new Signal();

  private final Template tmpl;
  final TemplateContext ctx;
  private final StringBuilder out = new StringBuilder();
  private String name;
  private List<String> varNames = new ArrayList<>();
  private List<Object> varValues = new ArrayList<>();
  private Node node;
  private int depth;

  Exec(Template tmpl, String name, TemplateContext ctx) {
    this.tmpl = tmpl;
    this.ctx = ctx;
    this.name = name;
  }

  String run(ListNode root, Object data) {
    varNames.add("$");
    varValues.add(data);
    walk(data, root);
    return out.toString();
  }

  // ---- errors ----

  private void at(Node n) {
    node = n;
  }

  ExecError errorf(String msg) {
    if (node == null) {
      throw new ExecError("template: " + name + ": " + msg);
    }
    String text = tmpl.text();
    int pos = node.pos;
    int nl = text.lastIndexOf('\n', pos - 1);
    int lineStart = nl + 1;
    int line = 1;
    for (int i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) {
      line++;
    }
    int col = text.substring(lineStart, pos).getBytes(StandardCharsets.UTF_8).length;
    throw new ExecError(
        "template: "
            + tmpl.name()
            + ":"
            + line
            + ":"
            + col
            + ": executing "
            + GoStrconv.quote(name)
            + " at <"
            + node
            + ">: "
            + msg);
  }

  // ---- variables ----

  private int mark() {
    return varNames.size();
  }

  private void pop(int mark) {
    while (varNames.size() > mark) {
      varNames.remove(varNames.size() - 1);
      varValues.remove(varValues.size() - 1);
    }
  }

  private void push(String n, Object v) {
    varNames.add(n);
    varValues.add(v);
  }

  private void setVar(String n, Object v) {
    for (int i = varNames.size() - 1; i >= 0; i--) {
      if (varNames.get(i).equals(n)) {
        varValues.set(i, v);
        return;
      }
    }
    throw errorf("undefined variable: " + n);
  }

  private void setTopVar(int n, Object v) {
    varValues.set(varValues.size() - n, v);
  }

  private Object varValue(String n) {
    for (int i = varNames.size() - 1; i >= 0; i--) {
      if (varNames.get(i).equals(n)) {
        return varValues.get(i);
      }
    }
    throw errorf("undefined variable: " + n);
  }

  // ---- walking ----

  private void walk(Object dot, Node n) {
    at(n);
    if (n instanceof ActionNode a) {
      Object val = evalPipeline(dot, a.pipe);
      if (a.pipe.decl.isEmpty()) {
        printValue(a, val);
      }
    } else if (n instanceof ListNode l) {
      for (Node c : l.nodes) {
        walk(dot, c);
      }
    } else if (n instanceof TextNode t) {
      out.append(t.text);
    } else if (n instanceof BranchNode b) {
      if (b.type == BranchNode.Type.RANGE) {
        walkRange(dot, b);
      } else {
        walkIfOrWith(b.type == BranchNode.Type.WITH, dot, b);
      }
    } else if (n instanceof TemplateNode t) {
      walkTemplate(dot, t);
    } else if (n instanceof BreakNode) {
      throw BREAK;
    } else if (n instanceof ContinueNode) {
      throw CONTINUE;
    } else {
      throw errorf("unknown node: " + n);
    }
  }

  private void walkIfOrWith(boolean isWith, Object dot, BranchNode b) {
    int mark = mark();
    try {
      Object val = evalPipeline(dot, b.pipe);
      if (Values.isTrue(val)) {
        walk(isWith ? val : dot, b.list);
      } else if (b.elseList != null) {
        walk(dot, b.elseList);
      }
    } finally {
      pop(mark);
    }
  }

  private void walkRange(Object dot, BranchNode r) {
    at(r);
    int outer = mark();
    try {
      Object val = evalPipeline(dot, r.pipe);
      int mark = mark();
      switch (Values.kind(val)) {
        case SLICE:
          {
            List<?> l = (List<?>) val;
            if (l.isEmpty()) {
              break;
            }
            for (int i = 0; i < l.size(); i++) {
              oneIteration(r, (long) i, Values.elem(l, i), mark);
            }
            return;
          }
        case MAP:
          {
            Map<?, ?> m = (Map<?, ?>) val;
            if (m.isEmpty()) {
              break;
            }
            for (Object[] e : Values.sortedEntries(m)) {
              oneIteration(r, e[0], e[1], mark);
            }
            return;
          }
        case INT:
          {
            if (r.pipe.decl.size() > 1) {
              throw errorf(
                  "can't use " + GoFmt.sprint(val) + " to iterate over more than one variable");
            }
            long n = (Long) val;
            if (n <= 0) {
              break;
            }
            for (long i = 0; i < n; i++) {
              oneIteration(r, i, i, mark);
            }
            return;
          }
        case INVALID:
          break;
        default:
          throw errorf("range can't iterate over " + GoFmt.printValueOf(val));
      }
      if (r.elseList != null) {
        walk(dot, r.elseList);
      }
    } catch (Signal s) {
      if (s != BREAK) {
        throw s;
      }
    } finally {
      pop(outer);
    }
  }

  private void oneIteration(BranchNode r, Object index, Object elem, int mark) {
    List<VariableNode> decl = r.pipe.decl;
    if (!decl.isEmpty()) {
      if (r.pipe.isAssign) {
        setVar(decl.get(0).ident[0], decl.size() > 1 ? index : elem);
      } else {
        setTopVar(1, elem);
      }
    }
    if (decl.size() > 1) {
      if (r.pipe.isAssign) {
        setVar(decl.get(1).ident[0], elem);
      } else {
        setTopVar(2, index);
      }
    }
    try {
      walk(elem, r.list);
    } catch (Signal s) {
      if (s != CONTINUE) {
        throw s;
      }
    } finally {
      pop(mark);
    }
  }

  private void walkTemplate(Object dot, TemplateNode t) {
    at(t);
    ListNode root = tmpl.tree(t.name);
    if (root == null) {
      throw errorf("template " + GoStrconv.quote(t.name) + " not defined");
    }
    if (depth == MAX_DEPTH) {
      throw errorf("exceeded maximum template depth (" + MAX_DEPTH + ")");
    }
    Object newDot = evalPipeline(dot, t.pipe);
    List<String> savedNames = varNames;
    List<Object> savedValues = varValues;
    String savedName = name;
    varNames = new ArrayList<>();
    varValues = new ArrayList<>();
    push("$", newDot);
    name = t.name;
    depth++;
    try {
      walk(newDot, root);
    } finally {
      depth--;
      name = savedName;
      varNames = savedNames;
      varValues = savedValues;
    }
  }

  private void printValue(Node n, Object v) {
    at(n);
    if (Values.kind(v) == Kind.FUNC) {
      throw errorf("can't print " + n + " of type " + Values.typeName(v));
    }
    out.append(v == null ? "<no value>" : GoFmt.printValueOf(v));
  }

  // ---- evaluation ----

  private Object evalPipeline(Object dot, PipeNode pipe) {
    if (pipe == null) {
      return null;
    }
    at(pipe);
    Object value = Values.MISSING;
    for (CommandNode cmd : pipe.cmds) {
      value = evalCommand(dot, cmd, value);
    }
    for (VariableNode v : pipe.decl) {
      if (pipe.isAssign) {
        setVar(v.ident[0], value);
      } else {
        push(v.ident[0], value);
      }
    }
    return value;
  }

  private Object evalCommand(Object dot, CommandNode cmd, Object fin) {
    Node first = cmd.args.get(0);
    if (first instanceof FieldNode f) {
      return evalFieldNode(dot, f, cmd.args, fin);
    }
    if (first instanceof ChainNode c) {
      return evalChainNode(dot, c, cmd.args, fin);
    }
    if (first instanceof IdentifierNode id) {
      return evalFunction(dot, id, cmd, cmd.args, fin);
    }
    if (first instanceof PipeNode p) {
      notAFunction(cmd.args, fin);
      return evalPipeline(dot, p);
    }
    if (first instanceof VariableNode v) {
      return evalVariableNode(dot, v, cmd.args, fin);
    }
    at(first);
    notAFunction(cmd.args, fin);
    if (first instanceof BoolNode b) {
      return b.value;
    }
    if (first instanceof DotNode) {
      return dot;
    }
    if (first instanceof NilNode) {
      throw errorf("nil is not a command");
    }
    if (first instanceof NumberNode num) {
      return idealConstant(num);
    }
    if (first instanceof StringNode s) {
      return s.text;
    }
    throw errorf("can't evaluate command " + GoStrconv.quote(first.toString()));
  }

  private void notAFunction(List<Node> args, Object fin) {
    if ((args != null && args.size() > 1) || fin != Values.MISSING) {
      throw errorf("can't give argument to non-function " + args.get(0));
    }
  }

  private Object idealConstant(NumberNode n) {
    at(n);
    String t = n.text;
    boolean hexInt =
        t.length() > 2
            && t.charAt(0) == '0'
            && (t.charAt(1) == 'x' || t.charAt(1) == 'X')
            && t.indexOf('p') < 0
            && t.indexOf('P') < 0;
    boolean runeInt = t.startsWith("'");
    if (n.isFloat && !hexInt && !runeInt && t.matches(".*[.eEpP].*")) {
      return n.floatValue;
    }
    if (n.isInt) {
      return n.intValue;
    }
    if (n.isUint) {
      throw errorf(t + " overflows int");
    }
    return null;
  }

  private Object evalFieldNode(Object dot, FieldNode f, List<Node> args, Object fin) {
    at(f);
    return evalFieldChain(dot, dot, f, f.ident, 0, args, fin);
  }

  private Object evalChainNode(Object dot, ChainNode c, List<Node> args, Object fin) {
    at(c);
    if (c.node instanceof NilNode) {
      throw errorf("indirection through explicit nil in " + c);
    }
    Object pipe = evalArg(dot, null, c.node);
    return evalFieldChain(dot, pipe, c, c.fields.toArray(new String[0]), 0, args, fin);
  }

  private Object evalVariableNode(Object dot, VariableNode v, List<Node> args, Object fin) {
    at(v);
    Object value = varValue(v.ident[0]);
    if (v.ident.length == 1) {
      notAFunction(args, fin);
      return value;
    }
    return evalFieldChain(dot, value, v, v.ident, 1, args, fin);
  }

  private Object evalFieldChain(
      Object dot, Object receiver, Node n, String[] ident, int from, List<Node> args, Object fin) {
    int last = ident.length - 1;
    for (int i = from; i < last; i++) {
      receiver = evalField(dot, ident[i], n, null, Values.MISSING, receiver);
    }
    return evalField(dot, ident[last], n, args, fin, receiver);
  }

  private Object evalField(
      Object dot, String field, Node n, List<Node> args, Object fin, Object receiver) {
    if (receiver == null) {
      if (ctx.missingKey() == TemplateContext.MissingKey.ERROR) {
        throw errorf("nil data; no entry for key " + GoStrconv.quote(field));
      }
      return null;
    }
    String typ = Values.typeName(receiver);
    Fn method = Methods.lookup(receiver, field);
    if (method != null) {
      return evalCall(dot, method, n, field, args, fin);
    }
    boolean hasArgs = (args != null && args.size() > 1) || fin != Values.MISSING;
    if (receiver instanceof Record r) {
      Object v = Values.field(r, field);
      if (v == Values.UNEXPORTED) {
        throw errorf(field + " is an unexported field of struct type " + typ);
      }
      if (v != Values.NO_FIELD) {
        if (hasArgs) {
          throw errorf(field + " has arguments but cannot be invoked as function");
        }
        return v;
      }
    } else if (receiver instanceof Map<?, ?> m && Values.stringKeyed(m)) {
      if (hasArgs) {
        throw errorf(field + " is not a method but has arguments");
      }
      Object v = Values.mapGet(m, field);
      if (v != Values.MISSING) {
        return v;
      }
      switch (ctx.missingKey()) {
        case ZERO:
          return Values.mapZero(m);
        case ERROR:
          throw errorf("map has no entry for key " + GoStrconv.quote(field));
        default:
          return null;
      }
    }
    throw errorf("can't evaluate field " + field + " in type " + typ);
  }

  private Object evalFunction(
      Object dot, IdentifierNode id, Node cmd, List<Node> args, Object fin) {
    at(id);
    Fn fn = Functions.ALL.get(id.ident);
    if (fn == null) {
      throw errorf(GoStrconv.quote(id.ident) + " is not a defined function");
    }
    return evalCall(dot, fn, cmd, id.ident, args, fin);
  }

  /** Calls {@code fn}; {@code argNodes} (if any) starts with the function's own node. */
  private Object evalCall(
      Object dot, Fn fn, Node n, String fname, List<Node> argNodes, Object fin) {
    List<Node> args =
        argNodes == null || argNodes.isEmpty() ? List.of() : argNodes.subList(1, argNodes.size());
    boolean hasFinal = fin != Values.MISSING;
    int numIn = args.size() + (hasFinal ? 1 : 0);
    int numFixed = args.size();
    if (fn.variadic) {
      numFixed = fn.in.length - 1;
      if (numIn < numFixed) {
        throw errorf(
            "wrong number of args for "
                + fname
                + ": want at least "
                + (fn.in.length - 1)
                + " got "
                + args.size());
      }
    } else if (numIn != fn.in.length) {
      throw errorf(
          "wrong number of args for " + fname + ": want " + fn.in.length + " got " + numIn);
    }
    if (fn.builtin && (fname.equals("and") || fname.equals("or"))) {
      boolean isOr = fname.equals("or");
      Object v = null;
      for (Node a : args) {
        v = evalArg(dot, fn.in[0], a);
        if (Values.isTrue(v) == isOr) {
          return v;
        }
      }
      if (hasFinal) {
        v = validateType(fin, fn.in[0]);
      }
      return v;
    }
    Object[] argv = new Object[numIn];
    int i = 0;
    for (; i < numFixed && i < args.size(); i++) {
      argv[i] = evalArg(dot, fn.in[i], args.get(i));
    }
    if (fn.variadic) {
      T elem = fn.in[fn.in.length - 1];
      for (; i < args.size(); i++) {
        argv[i] = evalArg(dot, elem, args.get(i));
      }
    }
    if (hasFinal) {
      T t = fn.in[fn.in.length - 1];
      if (fn.variadic && numIn - 1 < numFixed) {
        t = fn.in[numIn - 1];
      }
      argv[i] = validateType(fin, t);
    }
    if (fn.builtin && fname.equals("call")) {
      // the callee's name, for call's messages
      Object[] withName = new Object[argv.length + 1];
      withName[0] = args.isEmpty() ? "<nil>" : args.get(0).toString();
      System.arraycopy(argv, 0, withName, 1, argv.length);
      argv = withName;
    }
    try {
      return fn.body.call(this, argv);
    } catch (Fn.Failure e) {
      at(n);
      throw errorf("error calling " + fname + ": " + e.getMessage());
    } catch (ExecError | Signal e) {
      throw e;
    } catch (RuntimeException e) {
      // Go recovers a panicking function the same way
      at(n);
      throw errorf("error calling " + fname + ": " + e);
    }
  }

  private Object validateType(Object v, T t) {
    if (t == null) {
      return v;
    }
    if (v == null) {
      if (t.canBeNil()) {
        return null;
      }
      throw errorf("invalid value; expected " + t);
    }
    if (!t.assignable(v)) {
      throw errorf("wrong type for value; expected " + t + "; got " + Values.typeName(v));
    }
    return v;
  }

  private Object evalArg(Object dot, T t, Node n) {
    at(n);
    if (n instanceof DotNode) {
      return validateType(dot, t);
    }
    if (n instanceof NilNode) {
      if (t != null && t.canBeNil()) {
        return null;
      }
      throw errorf("cannot assign nil to " + t);
    }
    if (n instanceof FieldNode f) {
      return validateType(evalFieldNode(dot, f, List.of(n), Values.MISSING), t);
    }
    if (n instanceof VariableNode v) {
      return validateType(evalVariableNode(dot, v, null, Values.MISSING), t);
    }
    if (n instanceof PipeNode p) {
      return validateType(evalPipeline(dot, p), t);
    }
    if (n instanceof IdentifierNode id) {
      return validateType(evalFunction(dot, id, id, null, Values.MISSING), t);
    }
    if (n instanceof ChainNode c) {
      return validateType(evalChainNode(dot, c, null, Values.MISSING), t);
    }
    if (t == null) {
      throw errorf("can't handle " + n + " for arg of type <nil>");
    }
    switch (t) {
      case BOOL:
        if (n instanceof BoolNode b) {
          return b.value;
        }
        throw errorf("expected bool; found " + n);
      case FLOAT64:
        if (n instanceof NumberNode num && num.isFloat) {
          return num.floatValue;
        }
        throw errorf("expected float; found " + n);
      case INT:
        if (n instanceof NumberNode num && num.isInt) {
          return num.intValue;
        }
        throw errorf("expected integer; found " + n);
      case STRING:
        if (n instanceof StringNode s) {
          return s.text;
        }
        throw errorf("expected string; found " + n);
      case ANY:
      case VALUE:
        return evalEmptyInterface(dot, n);
      default:
        throw errorf("can't handle " + n + " for arg of type " + t);
    }
  }

  private Object evalEmptyInterface(Object dot, Node n) {
    at(n);
    if (n instanceof BoolNode b) {
      return b.value;
    }
    if (n instanceof NumberNode num) {
      return idealConstant(num);
    }
    if (n instanceof StringNode s) {
      return s.text;
    }
    throw errorf("can't handle assignment of " + n + " to empty interface argument");
  }
}
