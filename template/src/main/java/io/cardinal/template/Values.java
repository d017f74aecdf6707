package io.cardinal.template;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Java data model of templates and how it maps onto Go's kinds: null is Go's nil (an invalid
 * value), Boolean is bool, Long (and the narrower integers) is int, Double (and Float) is float64,
 * String is string, Map is a map, List (arrays, other collections) is a slice, a record is a struct
 * whose exported fields are its components with the first letter upper-cased, and the internal
 * types here stand for Prometheus's own Go types.
 */
final class Values {
  private Values() {}

  /** Go's "missing" value: no final argument was piped into a command. */
  static final Object MISSING =
      new Object() {
        @Override
        public String toString() {
          return "<missing>";
        }
      };

  enum Kind {
    INVALID,
    BOOL,
    INT,
    FLOAT,
    STRING,
    MAP,
    SLICE,
    STRUCT,
    PTR,
    FUNC,
    OTHER
  }

  /** A value that knows its Go type name. */
  interface GoTyped {
    String goType();
  }

  /** A value Go's fmt prints through its String method. */
  interface Stringer {
    String goString();
  }

  /** A record templates see through a pointer (Go prints {@code &{...}} for it). */
  interface PointerToStruct extends GoTyped {
    /** The struct's own type name, without the pointer. */
    String structType();
  }

  /** Prometheus's {@code html/template.HTML}: a string kind of its own type. */
  record SafeHtml(String text) implements GoTyped {
    @Override
    public String goType() {
      return "template.HTML";
    }
  }

  /** A {@code map[string]string}, such as a label set. */
  static final class StringMap extends AbstractMap<String, String> implements GoTyped {
    private final Map<String, String> m;

    StringMap(Map<String, String> m) {
      this.m = m == null ? Map.of() : m;
    }

    @Override
    public String get(Object key) {
      return m.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return m.containsKey(key);
    }

    @Override
    public int size() {
      return m.size();
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      return Collections.unmodifiableMap(m).entrySet();
    }

    @Override
    public String goType() {
      return "map[string]string";
    }
  }

  /** A {@code map[string]interface{}}, such as the result of {@code args}. */
  static final class AnyMap extends LinkedHashMap<String, Object> implements GoTyped {
    private static final long serialVersionUID = 1L;

    @Override
    public String goType() {
      return "map[string]interface {}";
    }
  }

  /** Prometheus's {@code queryResult}, a {@code []*sample}. */
  static final class QueryResult extends ArrayList<Sample> implements GoTyped {
    private static final long serialVersionUID = 1L;

    @Override
    public String goType() {
      return "template.queryResult";
    }
  }

  /** Prometheus's {@code *sample}: {@code Labels map[string]string; Value interface{}}. */
  record Sample(StringMap labels, Object value) implements PointerToStruct {
    @Override
    public String goType() {
      return "*template.sample";
    }

    @Override
    public String structType() {
      return "template.sample";
    }
  }

  /** Brings a Java value into the data model (narrow numbers widened, arrays as lists). */
  static Object norm(Object o) {
    if (o == null
        || o instanceof String
        || o instanceof Long
        || o instanceof Double
        || o instanceof Boolean) {
      return o;
    }
    if (o instanceof Integer || o instanceof Short || o instanceof Byte) {
      return ((Number) o).longValue();
    }
    if (o instanceof Float f) {
      return f.doubleValue();
    }
    if (o instanceof Character c) {
      return c.toString();
    }
    if (o instanceof Instant i) {
      return GoTime.of(i.getEpochSecond(), i.getNano());
    }
    if (o instanceof java.time.Duration d) {
      return new GoDuration(d.toNanos());
    }
    if (o instanceof Object[] a) {
      return Arrays.asList(a);
    }
    if (o.getClass().isArray()) {
      int n = Array.getLength(o);
      List<Object> l = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        l.add(Array.get(o, i));
      }
      return l;
    }
    if (o instanceof Collection<?> c && !(o instanceof List)) {
      return new ArrayList<>(c);
    }
    return o;
  }

  static Kind kind(Object o) {
    if (o == null) {
      return Kind.INVALID;
    }
    if (o instanceof Boolean) {
      return Kind.BOOL;
    }
    if (o instanceof Long) {
      return Kind.INT;
    }
    if (o instanceof Double) {
      return Kind.FLOAT;
    }
    if (o instanceof String || o instanceof SafeHtml) {
      return Kind.STRING;
    }
    if (o instanceof Map) {
      return Kind.MAP;
    }
    if (o instanceof List) {
      return Kind.SLICE;
    }
    if (o instanceof PointerToStruct || o instanceof GoTime || o instanceof GoDuration) {
      return Kind.PTR;
    }
    if (o instanceof Record) {
      return Kind.STRUCT;
    }
    if (o instanceof Supplier || o instanceof Function || o instanceof BiFunction) {
      return Kind.FUNC;
    }
    return Kind.OTHER;
  }

  /** The text of a string-kind value. */
  static String str(Object o) {
    return o instanceof SafeHtml h ? h.text() : (String) o;
  }

  /** Go's truth: false, 0, nil and empty strings, maps and slices are false. */
  static boolean isTrue(Object o) {
    return switch (kind(o)) {
      case INVALID -> false;
      case BOOL -> (Boolean) o;
      case INT -> (Long) o != 0;
      case FLOAT -> (Double) o != 0;
      case STRING -> !str(o).isEmpty();
      case MAP -> !((Map<?, ?>) o).isEmpty();
      case SLICE -> !((List<?>) o).isEmpty();
      default -> true;
    };
  }

  /** Go's name of the value's type, as reflect and %T print it. */
  static String typeName(Object o) {
    if (o == null) {
      return "<nil>";
    }
    if (o instanceof GoTyped t) {
      return t.goType();
    }
    switch (kind(o)) {
      case BOOL:
        return "bool";
      case INT:
        return "int";
      case FLOAT:
        return "float64";
      case STRING:
        return "string";
      case MAP:
        {
          Map<?, ?> m = (Map<?, ?>) o;
          return "map[" + elemType(m.keySet(), "string") + "]" + elemType(m.values(), null);
        }
      case SLICE:
        return "[]" + elemType((List<?>) o, null);
      case FUNC:
        if (o instanceof Supplier) {
          return "func() interface {}";
        }
        if (o instanceof Function) {
          return "func(interface {}) interface {}";
        }
        return "func(interface {}, interface {}) interface {}";
      default:
        return javaTypeName(o.getClass());
    }
  }

  private static String javaTypeName(Class<?> c) {
    String pkg = c.getPackageName();
    int dot = pkg.lastIndexOf('.');
    return (dot >= 0 ? pkg.substring(dot + 1) : pkg.isEmpty() ? "main" : pkg)
        + "."
        + c.getSimpleName();
  }

  /**
   * The element type Go would have declared: a single scalar type shared by all (non-null)
   * elements, else {@code interface {}}; {@code ifEmpty} (or interface) for no elements.
   */
  private static String elemType(Collection<?> elems, String ifEmpty) {
    String t = null;
    for (Object e : elems) {
      Object v = norm(e);
      String et =
          switch (kind(v)) {
            case BOOL -> "bool";
            case INT -> "int";
            case FLOAT -> "float64";
            case STRING -> v instanceof SafeHtml ? "template.HTML" : "string";
            default -> "interface {}";
          };
      if (t == null) {
        t = et;
      } else if (!t.equals(et)) {
        return "interface {}";
      }
    }
    return t != null ? t : ifEmpty != null ? ifEmpty : "interface {}";
  }

  /** The key type of a map, for {@code index} (string for maps without keys). */
  static String mapKeyType(Map<?, ?> m) {
    if (m instanceof GoTyped) {
      return "string";
    }
    return elemType(m.keySet(), "string");
  }

  /** The zero value of a map's element type (what missingkey=zero and {@code index} yield). */
  static Object mapZero(Map<?, ?> m) {
    if (m instanceof StringMap) {
      return "";
    }
    if (m instanceof AnyMap) {
      return null;
    }
    if (m.isEmpty()) {
      return null;
    }
    return switch (elemType(m.values(), null)) {
      case "string" -> "";
      case "int" -> 0L;
      case "float64" -> 0.0;
      case "bool" -> false;
      default -> null;
    };
  }

  /**
   * Whether {@code .name} on the map is a key lookup: Go allows it when a string is assignable to
   * the key type, string or {@code interface {}}.
   */
  static boolean stringKeyed(Map<?, ?> m) {
    if (m instanceof GoTyped || m.isEmpty() || m.keySet().iterator().next() instanceof String) {
      return true;
    }
    return mapKeyType(m).equals("interface {}");
  }

  /** Looks up a key, comparing normalised keys; returns {@link #MISSING} when absent. */
  static Object mapGet(Map<?, ?> m, Object key) {
    if (key instanceof String && m.containsKey(key)) {
      return norm(m.get(key));
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      Object k = norm(e.getKey());
      if (k == null ? key == null : k.equals(key)) {
        return norm(e.getValue());
      }
    }
    return MISSING;
  }

  /** The map's entries with normalised keys and values, in Go's sorted key order. */
  static List<Object[]> sortedEntries(Map<?, ?> m) {
    List<Object[]> out = new ArrayList<>(m.size());
    for (Map.Entry<?, ?> e : m.entrySet()) {
      out.add(new Object[] {norm(e.getKey()), norm(e.getValue())});
    }
    out.sort((a, b) -> compareKeys(a[0], b[0]));
    return out;
  }

  /** Go's fmtsort order: numbers by value (NaN first), strings by bytes, false before true. */
  static int compareKeys(Object a, Object b) {
    Kind ka = kind(a);
    Kind kb = kind(b);
    if (ka != kb) {
      return Integer.compare(ka.ordinal(), kb.ordinal());
    }
    switch (ka) {
      case INT:
        return Long.compare((Long) a, (Long) b);
      case FLOAT:
        {
          double x = (Double) a;
          double y = (Double) b;
          if (Double.isNaN(x) || Double.isNaN(y)) {
            return Double.isNaN(x) ? (Double.isNaN(y) ? 0 : -1) : 1;
          }
          return Double.compare(x, y);
        }
      case STRING:
        return compareStrings(str(a), str(b));
      case BOOL:
        return Boolean.compare((Boolean) a, (Boolean) b);
      default:
        return 0;
    }
  }

  /** Byte-wise comparison of the UTF-8 forms, which is code point order. */
  static int compareStrings(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** A list's element, normalised. */
  static Object elem(List<?> l, int i) {
    return norm(l.get(i));
  }

  // ---- records as structs ----

  /** Returned by {@link #field} when the struct has no such exported field. */
  static final Object NO_FIELD = new Object();

  /** Returned by {@link #field} for a lower-case (unexported) component name. */
  static final Object UNEXPORTED = new Object();

  private static final ClassValue<Method[]> ACCESSORS =
      new ClassValue<>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
          RecordComponent[] comps = type.getRecordComponents();
          Method[] ms = new Method[comps.length];
          for (int i = 0; i < comps.length; i++) {
            ms[i] = comps[i].getAccessor();
            try {
              ms[i].setAccessible(true);
            } catch (RuntimeException e) {
              // public accessors of public records work without it
            }
          }
          return ms;
        }
      };

  /** A record's field names as Go sees them: the component names, first letter upper-cased. */
  static List<String> fieldNames(Record r) {
    List<String> names = new ArrayList<>();
    for (Method m : ACCESSORS.get(r.getClass())) {
      names.add(exported(m.getName()));
    }
    return names;
  }

  static List<Object> fieldValues(Record r) {
    List<Object> vals = new ArrayList<>();
    for (Method m : ACCESSORS.get(r.getClass())) {
      vals.add(invoke(m, r));
    }
    return vals;
  }

  static Object field(Record r, String name) {
    for (Method m : ACCESSORS.get(r.getClass())) {
      if (exported(m.getName()).equals(name)) {
        if (!Character.isUpperCase(name.codePointAt(0))) {
          return UNEXPORTED;
        }
        return invoke(m, r);
      }
    }
    return NO_FIELD;
  }

  private static String exported(String component) {
    int c = component.codePointAt(0);
    if (Character.isLowerCase(c)) {
      return new StringBuilder()
          .appendCodePoint(Character.toUpperCase(c))
          .append(component, Character.charCount(c), component.length())
          .toString();
    }
    return component;
  }

  private static Object invoke(Method m, Record r) {
    try {
      return norm(m.invoke(r));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + m.getName() + " of " + r.getClass(), e);
    }
  }
}
