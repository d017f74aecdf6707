package io.cardinal.template;

import java.util.ArrayList;
import java.util.List;

/**
 * The parse tree. {@link #pos} is the node's offset in the template text (a char index; error
 * messages convert it to Go's byte column) and {@link #toString()} renders the node the way Go's
 * parse package does, which is what execution errors quote after {@code at <...>}.
 */
abstract class Node {
  final int pos;

  Node(int pos) {
    this.pos = pos;
  }

  abstract void write(StringBuilder sb);

  @Override
  public final String toString() {
    StringBuilder sb = new StringBuilder();
    write(sb);
    return sb.toString();
  }

  static final class ListNode extends Node {
    final List<Node> nodes = new ArrayList<>();

    ListNode(int pos) {
      super(pos);
    }

    @Override
    void write(StringBuilder sb) {
      for (Node n : nodes) {
        n.write(sb);
      }
    }
  }

  static final class TextNode extends Node {
    final String text;

    TextNode(int pos, String text) {
      super(pos);
      this.text = text;
    }

    @Override
    void write(StringBuilder sb) {
      sb.append(text);
    }
  }

  static final class PipeNode extends Node {
    final int line;
    boolean isAssign;
    final List<VariableNode> decl = new ArrayList<>();
    final List<CommandNode> cmds = new ArrayList<>();

    PipeNode(int pos, int line) {
      super(pos);
      this.line = line;
    }

    @Override
    void write(StringBuilder sb) {
      if (!decl.isEmpty()) {
        for (int i = 0; i < decl.size(); i++) {
          if (i > 0) {
            sb.append(", ");
          }
          decl.get(i).write(sb);
        }
        sb.append(isAssign ? " = " : " := ");
      }
      for (int i = 0; i < cmds.size(); i++) {
        if (i > 0) {
          sb.append(" | ");
        }
        cmds.get(i).write(sb);
      }
    }
  }

  static final class ActionNode extends Node {
    final PipeNode pipe;

    ActionNode(int pos, PipeNode pipe) {
      super(pos);
      this.pipe = pipe;
    }

    @Override
    void write(StringBuilder sb) {
      sb.append("{{");
      pipe.write(sb);
      sb.append("}}");
    }
  }

  static final class CommandNode extends Node {
    final List<Node> args = new ArrayList<>();

    CommandNode(int pos) {
      super(pos);
    }

    @Override
    void write(StringBuilder sb) {
      for (int i = 0; i < args.size(); i++) {
        if (i > 0) {
          sb.append(' ');
        }
        Node a = args.get(i);
        if (a instanceof PipeNode) {
          sb.append('(');
          a.write(sb);
          sb.append(')');
        } else {
          a.write(sb);
        }
      }
    }
  }

  static final class IdentifierNode extends Node {
    final String ident;

    IdentifierNode(int pos, String ident) {
      super(pos);
      this.ident = ident;
    }

    @Override
    void write(StringBuilder sb) {
      sb.append(ident);
    }
  }

  /** {@code $x.f.g}: the variable name first, then the fields. */
  static final class VariableNode extends Node {
    final String[] ident;

    VariableNode(int pos, String text) {
      super(pos);
      this.ident = text.split("\\.", -1);
    }

    @Override
    void write(StringBuilder sb) {
      sb.append(String.join(".", ident));
    }
  }

  static final class DotNode extends Node {
    DotNode(int pos) {
      super(pos);
    }

    @Override
    void write(StringBuilder sb) {
      sb.append('.');
    }
  }

  static final class NilNode extends Node {
    NilNode(int pos) {
      super(pos);
    }

    @Override
    void write(StringBuilder sb) {
      sb.append("nil");
    }
  }

  /** {@code .f.g}. */
  static final class FieldNode extends Node {
    final String[] ident;

    FieldNode(int pos, String text) {
      super(pos);
      this.ident = text.substring(1).split("\\.", -1);
    }

    @Override
    void write(StringBuilder sb) {
      for (String id : ident) {
        sb.append('.').append(id);
      }
    }
  }

  /** {@code (pipeline).f.g} or {@code fn.f}: fields applied to a non-field term. */
  static final class ChainNode extends Node {
    final Node node;
    final List<String> fields = new ArrayList<>();

    ChainNode(int pos, Node node) {
      super(pos);
      this.node = node;
    }

    void add(String field) {
      fields.add(field.substring(1));
    }

    @Override
    void write(StringBuilder sb) {
      if (node instanceof PipeNode) {
        sb.append('(');
        node.write(sb);
        sb.append(')');
      } else {
        node.write(sb);
      }
      for (String f : fields) {
        sb.append('.').append(f);
      }
    }
  }

  static final class BoolNode extends Node {
    final boolean value;

    BoolNode(int pos, boolean value) {
      super(pos);
      this.value = value;
    }

    @Override
    void write(StringBuilder sb) {
      sb.append(value);
    }
  }

  static final class NumberNode extends Node {
    final String text;
    boolean isInt;
    boolean isUint;
    boolean isFloat;
    long intValue;
    double floatValue;

    NumberNode(int pos, String text) {
      super(pos);
      this.text = text;
    }

    @Override
    void write(StringBuilder sb) {
      sb.append(text);
    }
  }

  static final class StringNode extends Node {
    final String quoted;
    final String text;

    StringNode(int pos, String quoted, String text) {
      super(pos);
      this.quoted = quoted;
      this.text = text;
    }

    @Override
    void write(StringBuilder sb) {
      sb.append(quoted);
    }
  }

  /** {@code if}, {@code range} and {@code with}. */
  static final class BranchNode extends Node {
    enum Type {
      IF,
      RANGE,
      WITH
    }

    final Type type;
    final PipeNode pipe;
    final ListNode list;
    final ListNode elseList;

    BranchNode(Type type, PipeNode pipe, ListNode list, ListNode elseList) {
      super(pipe.pos);
      this.type = type;
      this.pipe = pipe;
      this.list = list;
      this.elseList = elseList;
    }

    @Override
    void write(StringBuilder sb) {
      sb.append("{{").append(type.name().toLowerCase(java.util.Locale.ROOT)).append(' ');
      pipe.write(sb);
      sb.append("}}");
      list.write(sb);
      if (elseList != null) {
        sb.append("{{else}}");
        elseList.write(sb);
      }
      sb.append("{{end}}");
    }
  }

  static final class BreakNode extends Node {
    BreakNode(int pos) {
      super(pos);
    }

    @Override
    void write(StringBuilder sb) {
      sb.append("{{break}}");
    }
  }

  static final class ContinueNode extends Node {
    ContinueNode(int pos) {
      super(pos);
    }

    @Override
    void write(StringBuilder sb) {
      sb.append("{{continue}}");
    }
  }

  /** {@code {{template "name" pipeline}}}, also what {@code block} leaves in place. */
  static final class TemplateNode extends Node {
    final String name;
    final PipeNode pipe;

    TemplateNode(int pos, String name, PipeNode pipe) {
      super(pos);
      this.name = name;
      this.pipe = pipe;
    }

    @Override
    void write(StringBuilder sb) {
      sb.append("{{template ").append(GoStrconv.quote(name));
      if (pipe != null) {
        sb.append(' ');
        pipe.write(sb);
      }
      sb.append("}}");
    }
  }

  /** Parse-time only: {@code {{end}}}. */
  static final class EndNode extends Node {
    EndNode(int pos) {
      super(pos);
    }

    @Override
    void write(StringBuilder sb) {
      sb.append("{{end}}");
    }
  }

  /** Parse-time only: {@code {{else}}}. */
  static final class ElseNode extends Node {
    ElseNode(int pos) {
      super(pos);
    }

    @Override
    void write(StringBuilder sb) {
      sb.append("{{else}}");
    }
  }
}
