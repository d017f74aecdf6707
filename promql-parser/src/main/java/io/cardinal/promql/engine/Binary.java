package io.cardinal.promql.engine;

import io.cardinal.promql.ast.BinaryExpr;
import io.cardinal.promql.ast.BinaryOp;
import io.cardinal.promql.ast.VectorMatching;
import io.cardinal.promql.engine.Evaluator.Col;
import io.cardinal.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary operators: scalar/scalar, vector/scalar, vector/vector with matching, and set operators.
 */
final class Binary {
  private Binary() {}

  static Object eval(Evaluator ev, BinaryExpr b) {
    Object l = ev.eval(b.lhs());
    Object r = ev.eval(b.rhs());
    BinaryOp op = b.op();
    if (l instanceof double[] ls && r instanceof double[] rs) {
      double[] out = new double[ev.n];
      for (int i = 0; i < ev.n; i++) {
        out[i] = scalarOp(op, ls[i], rs[i]);
      }
      return out;
    }
    if (r instanceof double[] rs) {
      return vectorScalar(ev, Evaluator.cols(l), rs, op, false, b.returnBool());
    }
    if (l instanceof double[] ls) {
      return vectorScalar(ev, Evaluator.cols(r), ls, op, true, b.returnBool());
    }
    List<Col> lc = Evaluator.cols(l);
    List<Col> rc = Evaluator.cols(r);
    VectorMatching m = Evaluator.defaultMatching(b);
    return switch (op) {
      case AND, OR, UNLESS -> setOp(ev, lc, rc, m, op);
      default -> ev.rangeMerge(vectorVector(ev, lc, rc, m, op, b.returnBool()));
    };
  }

  static double scalarOp(BinaryOp op, double l, double r) {
    return switch (op) {
      case ADD -> l + r;
      case SUB -> l - r;
      case MUL -> l * r;
      case DIV -> l / r;
      case POW -> Numbers.pow(l, r);
      case MOD -> l % r;
      case ATAN2 -> Math.atan2(l, r);
      case EQLC -> l == r ? 1 : 0;
      case NEQ -> l != r ? 1 : 0;
      case GTR -> l > r ? 1 : 0;
      case LSS -> l < r ? 1 : 0;
      case GTE -> l >= r ? 1 : 0;
      case LTE -> l <= r ? 1 : 0;
      default ->
          throw QueryException.badData(
              "operator \"" + op.symbol() + "\" not allowed for Scalar operations");
    };
  }

  /** Comparison result for vector elements (keep or drop). */
  static boolean compare(BinaryOp op, double l, double r) {
    return switch (op) {
      case EQLC -> l == r;
      case NEQ -> l != r;
      case GTR -> l > r;
      case LSS -> l < r;
      case GTE -> l >= r;
      case LTE -> l <= r;
      default -> throw new IllegalStateException(op.toString());
    };
  }

  private static List<Col> vectorScalar(
      Evaluator ev, List<Col> vec, double[] s, BinaryOp op, boolean swap, boolean returnBool) {
    if (op == BinaryOp.TRIM_LOWER || op == BinaryOp.TRIM_UPPER) {
      // Trim operators only apply to native histograms; floats are dropped.
      return new ArrayList<>();
    }
    List<Col> out = new ArrayList<>(vec.size());
    boolean cmp = op.isComparison();
    for (Col c : vec) {
      Col o = new Col(c.labels, ev.n);
      o.dropName = c.dropName || Evaluator.changesSchema(op) || returnBool;
      boolean any = false;
      for (int i = 0; i < ev.n; i++) {
        if (!c.has[i]) {
          continue;
        }
        double lf = swap ? s[i] : c.v[i];
        double rf = swap ? c.v[i] : s[i];
        double val;
        boolean keep = true;
        if (cmp) {
          keep = compare(op, lf, rf);
          val = c.v[i];
        } else {
          val = scalarOp(op, lf, rf);
        }
        if (returnBool) {
          val = keep ? 1 : 0;
          keep = true;
        }
        if (keep) {
          o.v[i] = val;
          o.has[i] = true;
          any = true;
        }
      }
      if (any) {
        out.add(o);
      }
    }
    return out;
  }

  /** The join key: the "on" labels, or all labels but the "ignoring" ones and the metric name. */
  static Labels signature(Labels l, VectorMatching m) {
    Labels.Builder b = l.toBuilder();
    if (m.on()) {
      b.keep(m.matchingLabels());
    } else {
      b.delete(Labels.METRIC_NAME);
      b.delete(m.matchingLabels().toArray(new String[0]));
    }
    return b.build();
  }

  private static List<Col> setOp(
      Evaluator ev, List<Col> lc, List<Col> rc, VectorMatching m, BinaryOp op) {
    int n = ev.n;
    List<Col> out = new ArrayList<>();
    if (op == BinaryOp.OR) {
      Map<Labels, boolean[]> leftPresent = presence(lc, m, n);
      out.addAll(lc);
      for (Col c : rc) {
        boolean[] lp = leftPresent.get(signature(c.labels, m));
        Col o = copy(c, n);
        if (lp != null) {
          for (int i = 0; i < n; i++) {
            o.has[i] &= !lp[i];
          }
        }
        if (o.any()) {
          out.add(o);
        }
      }
      return out;
    }
    Map<Labels, boolean[]> rightPresent = presence(rc, m, n);
    for (Col c : lc) {
      boolean[] rp = rightPresent.get(signature(c.labels, m));
      Col o = copy(c, n);
      for (int i = 0; i < n; i++) {
        boolean matched = rp != null && rp[i];
        o.has[i] &= op == BinaryOp.AND ? matched : !matched;
      }
      if (o.any()) {
        out.add(o);
      }
    }
    return out;
  }

  private static Col copy(Col c, int n) {
    Col o = new Col(c.labels, n);
    System.arraycopy(c.v, 0, o.v, 0, n);
    System.arraycopy(c.has, 0, o.has, 0, n);
    o.dropName = c.dropName;
    return o;
  }

  private static Map<Labels, boolean[]> presence(List<Col> cols, VectorMatching m, int n) {
    Map<Labels, boolean[]> p = new HashMap<>();
    for (Col c : cols) {
      boolean[] a = p.computeIfAbsent(signature(c.labels, m), k -> new boolean[n]);
      for (int i = 0; i < n; i++) {
        a[i] |= c.has[i];
      }
    }
    return p;
  }

  private static List<Col> vectorVector(
      Evaluator ev, List<Col> lc, List<Col> rc, VectorMatching m, BinaryOp op, boolean returnBool) {
    int n = ev.n;
    if (op == BinaryOp.TRIM_LOWER || op == BinaryOp.TRIM_UPPER) {
      return new ArrayList<>();
    }
    VectorMatching.Cardinality card = m.cardinality();
    boolean swapped = card == VectorMatching.Cardinality.ONE_TO_MANY;
    List<Col> many = swapped ? rc : lc;
    List<Col> one = swapped ? lc : rc;
    if (many.isEmpty() || one.isEmpty()) {
      return new ArrayList<>();
    }
    Labels[] oneSig = new Labels[one.size()];
    Map<Labels, List<Integer>> oneBySig = new HashMap<>();
    for (int k = 0; k < one.size(); k++) {
      oneSig[k] = signature(one.get(k).labels, m);
      oneBySig.computeIfAbsent(oneSig[k], x -> new ArrayList<>(1)).add(k);
    }
    // Many-to-many on the "one" side is an error at any step where two of its series are present.
    for (Map.Entry<Labels, List<Integer>> e : oneBySig.entrySet()) {
      List<Integer> ks = e.getValue();
      if (ks.size() < 2) {
        continue;
      }
      for (int i = 0; i < n; i++) {
        int first = -1;
        for (int k : ks) {
          if (!one.get(k).has[i]) {
            continue;
          }
          if (first >= 0) {
            throw QueryException.execution(
                "found duplicate series for the match group "
                    + e.getKey()
                    + " on the "
                    + (swapped ? "left" : "right")
                    + " hand-side of the operation: ["
                    + one.get(k).labels
                    + ", "
                    + one.get(first).labels
                    + "];many-to-many matching not allowed: matching labels must be unique on one side");
          }
          first = k;
        }
      }
    }
    boolean cmp = op.isComparison();
    LinkedHashMap<Labels, Col> outByLabels = new LinkedHashMap<>();
    List<Col> out = new ArrayList<>();
    HashMap<Long, Labels> metricCache = new HashMap<>();
    int[][] candidates = new int[many.size()][];
    Labels[] manySig = new Labels[many.size()];
    for (int j = 0; j < many.size(); j++) {
      manySig[j] = signature(many.get(j).labels, m);
      List<Integer> ks = oneBySig.get(manySig[j]);
      candidates[j] = ks == null ? new int[0] : ks.stream().mapToInt(Integer::intValue).toArray();
    }
    HashSet<Labels> matchedOneToOne = new HashSet<>();
    HashMap<Labels, HashSet<Labels>> matchedManyToOne = new HashMap<>();
    for (int i = 0; i < n; i++) {
      matchedOneToOne.clear();
      matchedManyToOne.clear();
      for (int j = 0; j < many.size(); j++) {
        Col mc = many.get(j);
        if (!mc.has[i] || candidates[j].length == 0) {
          continue;
        }
        int k = -1;
        for (int cand : candidates[j]) {
          if (one.get(cand).has[i]) {
            k = cand;
            break;
          }
        }
        if (k < 0) {
          continue;
        }
        Col oc = one.get(k);
        double fl = swapped ? oc.v[i] : mc.v[i];
        double fr = swapped ? mc.v[i] : oc.v[i];
        double val;
        boolean keep = true;
        if (cmp) {
          keep = compare(op, fl, fr);
          val = fl;
        } else {
          val = scalarOp(op, fl, fr);
        }
        if (returnBool) {
          val = keep ? 1 : 0;
        }
        long key = ((long) j << 32) | k;
        final Col mcf = mc;
        final Col ocf = oc;
        Labels metric =
            metricCache.computeIfAbsent(key, x -> resultMetric(mcf.labels, ocf.labels, op, m));
        if (card == VectorMatching.Cardinality.ONE_TO_ONE) {
          if (!matchedOneToOne.add(manySig[j])) {
            throw QueryException.execution(
                "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
          }
        } else {
          HashSet<Labels> inserted =
              matchedManyToOne.computeIfAbsent(manySig[j], x -> new HashSet<>());
          if (!inserted.add(metric)) {
            throw QueryException.execution(
                "multiple matches for labels: grouping labels must ensure unique matches");
          }
        }
        if (!keep && !returnBool) {
          continue;
        }
        Col o = outByLabels.get(metric);
        if (o == null) {
          o = new Col(metric, n);
          // A comparison keeps the many side's sample, and with it a name removal that side still
          // owes (rate(x[1m]) > rate(y[1m]) has no __name__, as in Prometheus).
          o.dropName = returnBool || mc.dropName;
          outByLabels.put(metric, o);
          out.add(o);
        } else if (o.has[i]) {
          throw QueryException.sameLabelset();
        }
        o.v[i] = val;
        o.has[i] = true;
      }
    }
    return out;
  }

  static Labels resultMetric(Labels many, Labels one, BinaryOp op, VectorMatching m) {
    Labels.Builder b = many.toBuilder();
    if (Evaluator.changesSchema(op)) {
      b.delete(Labels.METRIC_NAME, "__type__", "__unit__");
    }
    if (m.cardinality() == VectorMatching.Cardinality.ONE_TO_ONE) {
      if (m.on()) {
        b.keep(m.matchingLabels());
      } else {
        b.delete(m.matchingLabels().toArray(new String[0]));
      }
    }
    for (String ln : m.include()) {
      String v = one.get(ln);
      if (!v.isEmpty()) {
        b.set(ln, v);
      } else {
        b.delete(ln);
      }
    }
    return b.build();
  }
}
