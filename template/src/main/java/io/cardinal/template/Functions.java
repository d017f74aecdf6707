package io.cardinal.template;

import io.cardinal.template.Fn.Failure;
import io.cardinal.template.Fn.T;
import io.cardinal.template.Values.Kind;
import io.cardinal.template.Values.PointerToStruct;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/** Go's builtin template functions, and the table of every function a template may call. */
final class Functions {
  private Functions() {}

  /** Every function by name: Go's builtins and Prometheus's functions. */
  static final Map<String, Fn> ALL;

  static {
    Map<String, Fn> m = new HashMap<>();
    for (Fn f : builtins()) {
      m.put(f.name, f);
    }
    for (Fn f : PromFunctions.all()) {
      m.put(f.name, f);
    }
    ALL = Map.copyOf(m);
  }

  private static Fn builtin(String name, boolean variadic, Fn.Body body, T... in) {
    return new Fn(name, true, variadic, body, in);
  }

  private static List<Object> rest(Object[] a, int from) {
    return Arrays.asList(a).subList(from, a.length);
  }

  private static List<Fn> builtins() {
    return List.of(
        // and/or are evaluated lazily by Exec; these bodies are not used
        builtin("and", true, (ex, a) -> a[a.length - 1], T.VALUE, T.VALUE),
        builtin("or", true, (ex, a) -> a[a.length - 1], T.VALUE, T.VALUE),
        builtin("not", false, (ex, a) -> !Values.isTrue(a[0]), T.VALUE),
        builtin("len", false, (ex, a) -> length(a[0]), T.VALUE),
        builtin("index", true, (ex, a) -> index(a[0], rest(a, 1)), T.VALUE, T.VALUE),
        builtin("slice", true, (ex, a) -> slice(a[0], rest(a, 1)), T.VALUE, T.VALUE),
        builtin("print", true, (ex, a) -> GoFmt.sprintAll(rest(a, 0)), T.ANY),
        builtin(
            "printf", true, (ex, a) -> GoFmt.sprintf((String) a[0], rest(a, 1)), T.STRING, T.ANY),
        builtin("println", true, (ex, a) -> GoFmt.sprintln(rest(a, 0)), T.ANY),
        builtin("html", true, (ex, a) -> GoText.htmlEscape(GoFmt.evalArgs(rest(a, 0))), T.ANY),
        builtin("js", true, (ex, a) -> GoText.jsEscape(GoFmt.evalArgs(rest(a, 0))), T.ANY),
        builtin("urlquery", true, (ex, a) -> GoText.queryEscape(GoFmt.evalArgs(rest(a, 0))), T.ANY),
        builtin("eq", true, (ex, a) -> eq(a[0], rest(a, 1)), T.VALUE, T.VALUE),
        builtin("ne", false, (ex, a) -> !eq(a[0], List.of(a[1])), T.VALUE, T.VALUE),
        builtin("lt", false, (ex, a) -> lt(a[0], a[1]), T.VALUE, T.VALUE),
        builtin("le", false, (ex, a) -> le(a[0], a[1]), T.VALUE, T.VALUE),
        builtin("gt", false, (ex, a) -> !le(a[0], a[1]), T.VALUE, T.VALUE),
        builtin("ge", false, (ex, a) -> !lt(a[0], a[1]), T.VALUE, T.VALUE),
        builtin("call", true, Functions::call, T.VALUE, T.VALUE));
  }

  /** The type name of what a pointer points to. */
  private static String elemTypeName(Object v) {
    String t = Values.typeName(v);
    return Values.kind(v) == Kind.PTR && t.startsWith("*") ? t.substring(1) : t;
  }

  static long length(Object v) throws Failure {
    switch (Values.kind(v)) {
      case INVALID:
        throw new Failure("reflect: call of reflect.Value.Type on zero Value");
      case STRING:
        return GoStrconv.utf8Len(Values.str(v));
      case SLICE:
        return ((List<?>) v).size();
      case MAP:
        return ((Map<?, ?>) v).size();
      default:
        throw new Failure("len of type " + elemTypeName(v));
    }
  }

  private static int indexArg(Object index, int cap) throws Failure {
    long x;
    if (index instanceof Long l) {
      x = l;
    } else if (index == null) {
      throw new Failure("cannot index slice/array with nil");
    } else {
      throw new Failure("cannot index slice/array with type " + Values.typeName(index));
    }
    if (x < 0 || x > cap) {
      throw new Failure("index out of range: " + x);
    }
    return (int) x;
  }

  static Object index(Object item, List<Object> indexes) throws Failure {
    if (item == null) {
      throw new Failure("index of untyped nil");
    }
    for (Object index : indexes) {
      if (item == null) {
        throw new Failure("index of nil pointer");
      }
      switch (Values.kind(item)) {
        case SLICE:
          {
            List<?> l = (List<?>) item;
            int x = indexArg(index, l.size());
            if (x == l.size()) {
              throw new Failure("index out of range: " + x);
            }
            item = Values.elem(l, x);
            break;
          }
        case STRING:
          {
            byte[] b = Values.str(item).getBytes(StandardCharsets.UTF_8);
            int x = indexArg(index, b.length);
            if (x == b.length) {
              throw new Failure("index out of range: " + x);
            }
            item = (long) (b[x] & 0xFF);
            break;
          }
        case MAP:
          {
            Map<?, ?> m = (Map<?, ?>) item;
            String keyType = Values.mapKeyType(m);
            if (index == null) {
              if (!keyType.equals("interface {}")) {
                throw new Failure("value is nil; should be of type " + keyType);
              }
            } else if (!keyType.equals("interface {}") && !Values.typeName(index).equals(keyType)) {
              throw new Failure(
                  "value has type " + Values.typeName(index) + "; should be " + keyType);
            }
            Object v = Values.mapGet(m, index);
            item = v == Values.MISSING ? Values.mapZero(m) : v;
            break;
          }
        default:
          throw new Failure("can't index item of type " + elemTypeName(item));
      }
    }
    return item;
  }

  static Object slice(Object item, List<Object> indexes) throws Failure {
    if (item == null) {
      throw new Failure("slice of untyped nil");
    }
    if (indexes.size() > 3) {
      throw new Failure("too many slice indexes: " + indexes.size());
    }
    int len;
    byte[] bytes = null;
    switch (Values.kind(item)) {
      case STRING:
        if (indexes.size() == 3) {
          throw new Failure("cannot 3-index slice a string");
        }
        bytes = Values.str(item).getBytes(StandardCharsets.UTF_8);
        len = bytes.length;
        break;
      case SLICE:
        len = ((List<?>) item).size();
        break;
      default:
        throw new Failure("can't slice item of type " + elemTypeName(item));
    }
    int[] idx = {0, len, 0};
    for (int i = 0; i < indexes.size(); i++) {
      idx[i] = indexArg(indexes.get(i), len);
    }
    if (idx[0] > idx[1]) {
      throw new Failure("invalid slice index: " + idx[0] + " > " + idx[1]);
    }
    if (indexes.size() == 3 && idx[1] > idx[2]) {
      throw new Failure("invalid slice index: " + idx[1] + " > " + idx[2]);
    }
    if (bytes != null) {
      return new String(bytes, idx[0], idx[1] - idx[0], StandardCharsets.UTF_8);
    }
    return new ArrayList<>(((List<?>) item).subList(idx[0], idx[1]));
  }

  // ---- comparisons ----

  private enum Basic {
    INVALID,
    BOOL,
    INT,
    FLOAT,
    STRING
  }

  private static Basic basic(Object v) {
    return switch (Values.kind(v)) {
      case BOOL -> Basic.BOOL;
      case INT -> Basic.INT;
      case FLOAT -> Basic.FLOAT;
      case STRING -> Basic.STRING;
      default -> Basic.INVALID;
    };
  }

  static boolean eq(Object a, List<Object> others) throws Failure {
    if (others.isEmpty()) {
      throw new Failure("missing argument for comparison");
    }
    Basic k1 = basic(a);
    for (Object b : others) {
      Basic k2 = basic(b);
      boolean truth;
      if (k1 != k2) {
        if (a != null && b != null) {
          throw incompatible(a, b);
        }
        truth = false;
      } else {
        switch (k1) {
          case BOOL -> truth = a.equals(b);
          case INT -> truth = ((Long) a).longValue() == (Long) b;
          case FLOAT -> truth = ((Double) a).doubleValue() == (Double) b;
          case STRING -> truth = Values.str(a).equals(Values.str(b));
          default -> truth = eqOther(a, b);
        }
      }
      if (truth) {
        return true;
      }
    }
    return false;
  }

  private static boolean eqOther(Object a, Object b) throws Failure {
    if (a == null || b == null) {
      return a == b;
    }
    Kind ka = Values.kind(a);
    Kind kb = Values.kind(b);
    if (ka != kb) {
      throw new Failure(
          "non-comparable types "
              + GoFmt.sprint(a)
              + ": "
              + Values.typeName(a)
              + ", "
              + Values.typeName(b)
              + ": "
              + GoFmt.sprint(b));
    }
    if (ka == Kind.MAP || ka == Kind.SLICE || ka == Kind.FUNC) {
      throw new Failure("non-comparable type " + GoFmt.sprint(b) + ": " + Values.typeName(b));
    }
    if (a instanceof PointerToStruct) {
      return a == b;
    }
    return a.equals(b);
  }

  static boolean lt(Object a, Object b) throws Failure {
    Basic k1 = basic(a);
    Basic k2 = basic(b);
    if (k1 == Basic.INVALID || k2 == Basic.INVALID) {
      throw new Failure("invalid type for comparison");
    }
    if (k1 != k2) {
      throw incompatible(a, b);
    }
    return switch (k1) {
      case INT -> (Long) a < (Long) b;
      case FLOAT -> (Double) a < (Double) b;
      case STRING -> Values.compareStrings(Values.str(a), Values.str(b)) < 0;
      default -> throw new Failure("invalid type for comparison");
    };
  }

  private static Failure incompatible(Object a, Object b) {
    return new Failure(
        "incompatible types for comparison: " + Values.typeName(a) + " and " + Values.typeName(b));
  }

  static boolean le(Object a, Object b) throws Failure {
    return lt(a, b) || eq(a, List.of(b));
  }

  // ---- call ----

  @SuppressWarnings("unchecked")
  private static Object call(Exec ex, Object[] a) throws Failure {
    String name = (String) a[0];
    Object fn = a[1];
    List<Object> args = rest(a, 2);
    if (fn == null) {
      throw new Failure("call of nil");
    }
    if (Values.kind(fn) != Kind.FUNC) {
      throw new Failure("non-function " + name + " of type " + Values.typeName(fn));
    }
    int want = fn instanceof Supplier ? 0 : fn instanceof Function ? 1 : 2;
    if (args.size() != want) {
      throw new Failure(
          "wrong number of args for " + name + ": got " + args.size() + " want " + want);
    }
    try {
      Object r;
      if (fn instanceof Supplier<?> s) {
        r = s.get();
      } else if (fn instanceof Function<?, ?> f) {
        r = ((Function<Object, Object>) f).apply(args.get(0));
      } else {
        r = ((BiFunction<Object, Object, Object>) fn).apply(args.get(0), args.get(1));
      }
      return Values.norm(r);
    } catch (RuntimeException e) {
      throw new Failure(String.valueOf(e.getMessage()));
    }
  }
}
