package io.cardinal.template;

import io.cardinal.template.Values.QueryResult;
import io.cardinal.template.Values.Sample;

/**
 * A template function (or a method of a value) with Go's view of its signature: the parameter types
 * decide how literal arguments are accepted ({@code expected string; found 1}) and which values are
 * assignable ({@code wrong type for value; expected string; got float64}).
 */
final class Fn {
  /** The Go parameter types the functions use. */
  enum T {
    ANY("interface {}"),
    VALUE("reflect.Value"),
    STRING("string"),
    FLOAT64("float64"),
    INT("int"),
    BOOL("bool"),
    QUERY_RESULT("template.queryResult"),
    SAMPLE("*template.sample");

    private final String go;

    T(String go) {
      this.go = go;
    }

    boolean canBeNil() {
      return this == ANY || this == VALUE || this == QUERY_RESULT || this == SAMPLE;
    }

    boolean assignable(Object v) {
      return switch (this) {
        case ANY, VALUE -> true;
        case STRING -> v instanceof String;
        case FLOAT64 -> v instanceof Double;
        case INT -> v instanceof Long;
        case BOOL -> v instanceof Boolean;
        case QUERY_RESULT -> v instanceof QueryResult;
        case SAMPLE -> v instanceof Sample;
      };
    }

    @Override
    public String toString() {
      return go;
    }
  }

  /** The function's code; {@code args} are already checked against the parameter types. */
  @FunctionalInterface
  interface Body {
    Object call(Exec ex, Object[] args) throws Failure;
  }

  /** The error a Go function returns: execution stops with "error calling NAME: MESSAGE". */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message, null, false, false);
    }
  }

  final String name;
  final T[] in;
  final boolean variadic;
  final boolean builtin;
  final Body body;

  Fn(String name, boolean builtin, boolean variadic, Body body, T... in) {
    this.name = name;
    this.in = in;
    this.variadic = variadic;
    this.builtin = builtin;
    this.body = body;
  }

  static Fn of(String name, Body body, T... in) {
    return new Fn(name, false, false, body, in);
  }

  static Fn variadic(String name, Body body, T... in) {
    return new Fn(name, false, true, body, in);
  }
}
