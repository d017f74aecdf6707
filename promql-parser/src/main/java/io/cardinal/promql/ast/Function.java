package io.cardinal.promql.ast;

import java.util.List;
import java.util.Objects;

/**
 * A PromQL function signature.
 *
 * @param argTypes declared argument types; with {@code variadic != 0} the last one repeats
 * @param variadic 0: exactly {@code argTypes.size()} arguments; n &gt; 0: the last argument is
 *     optional and may repeat up to n times ({@code argTypes.size() - 1} .. {@code argTypes.size()
 *     - 1 + n}); -1: at least {@code argTypes.size() - 1}, unbounded
 * @param experimental behind Prometheus' {@code promql-experimental-functions} feature flag
 */
public record Function(
    String name,
    List<ValueType> argTypes,
    int variadic,
    ValueType returnType,
    boolean experimental) {
  public Function {
    Objects.requireNonNull(name, "name");
    argTypes = List.copyOf(argTypes);
    Objects.requireNonNull(returnType, "returnType");
  }

  /** Minimum number of arguments. */
  public int minArgs() {
    return variadic == 0 ? argTypes.size() : argTypes.size() - 1;
  }

  /** Maximum number of arguments, or {@link Integer#MAX_VALUE} if unbounded. */
  public int maxArgs() {
    if (variadic == 0) {
      return argTypes.size();
    }
    return variadic < 0 ? Integer.MAX_VALUE : argTypes.size() - 1 + variadic;
  }
}
