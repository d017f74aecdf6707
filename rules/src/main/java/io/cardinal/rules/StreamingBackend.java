package io.cardinal.rules;

import io.cardinal.promql.ast.Expr;
import io.cardinal.promql.engine.Value;
import java.util.List;

/**
 * Incremental evaluation of rule expressions, fed from the append path instead of querying the
 * database every interval (the streaming module provides it). A rule whose expression the backend
 * cannot take runs as a query, and says why.
 */
public interface StreamingBackend {
  /** Compiles and starts maintaining {@code expr}; a registration without a handle says why not. */
  Registration register(Expr expr);

  /** A handle, or null and the reason the expression is not streamable. */
  record Registration(Handle handle, String reason) {}

  /** One expression kept up to date; closing it frees its state. */
  interface Handle extends AutoCloseable {
    /** The expression's value at {@code t}, as an instant query at {@code t} gives it. */
    List<Value.Sample> evaluate(long t) throws Exception;

    /**
     * Why the backend answers this expression by querying for now (for example, its state reached a
     * memory limit), or null while it streams.
     */
    default String degradedReason() {
      return null;
    }

    @Override
    void close();
  }
}
