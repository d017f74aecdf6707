package io.cardinal.rulelint;

import io.cardinal.rules.GroupSpec;
import io.cardinal.rules.RuleSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The policy checks, from {@link LintOptions#policy()}: {@code policy/required-labels} (every alert
 * sets the required labels, itself or through its group), {@code policy/required-annotations}
 * (every alert has the required annotations, non-empty), {@code policy/name} (alert and recorded
 * names match the configured patterns). They read nothing from the source.
 */
public final class PolicyCheck implements Check {
  public static final String REQUIRED_LABELS = "policy/required-labels";
  public static final String REQUIRED_ANNOTATIONS = "policy/required-annotations";
  public static final String NAME = "policy/name";

  private final String id;

  private PolicyCheck(String id) {
    this.id = id;
  }

  public static PolicyCheck requiredLabels() {
    return new PolicyCheck(REQUIRED_LABELS);
  }

  public static PolicyCheck requiredAnnotations() {
    return new PolicyCheck(REQUIRED_ANNOTATIONS);
  }

  public static PolicyCheck name() {
    return new PolicyCheck(NAME);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public boolean needsSource() {
    return false;
  }

  @Override
  public void check(LintContext ctx, GroupSpec group, RuleSpec rule, List<Finding> out) {
    Policy p = ctx.options().policy();
    switch (id) {
      case REQUIRED_LABELS -> {
        if (!rule.isAlerting()) {
          return;
        }
        for (String l : p.requiredAlertLabels()) {
          String v = rule.labels().get(l);
          if (v == null || v.isEmpty()) {
            v = group.labels().get(l);
          }
          if (v == null || v.isEmpty()) {
            out.add(
                Finding.of(
                    group,
                    rule,
                    id,
                    Severity.PROBLEM,
                    "alert "
                        + rule.alert()
                        + " has no \""
                        + l
                        + "\" label, which the policy requires",
                    Map.of("label", l)));
          }
        }
      }
      case REQUIRED_ANNOTATIONS -> {
        if (!rule.isAlerting()) {
          return;
        }
        for (String a : p.requiredAnnotations()) {
          String v = rule.annotations().get(a);
          if (v == null || v.isEmpty()) {
            out.add(
                Finding.of(
                    group,
                    rule,
                    id,
                    Severity.PROBLEM,
                    "alert "
                        + rule.alert()
                        + " has no \""
                        + a
                        + "\" annotation, which the policy requires",
                    Map.of("annotation", a)));
          }
        }
      }
      default -> {
        Pattern pattern = rule.isAlerting() ? p.alertNamePattern() : p.recordNamePattern();
        if (pattern == null || pattern.matcher(rule.name()).matches()) {
          return;
        }
        String field = rule.isAlerting() ? "alert_name_pattern" : "record_name_pattern";
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", rule.name());
        d.put(field, pattern.pattern());
        out.add(
            Finding.of(
                group,
                rule,
                id,
                Severity.PROBLEM,
                (rule.isAlerting() ? "alert name " : "recording rule name ")
                    + rule.name()
                    + " does not match the policy's "
                    + field
                    + " "
                    + pattern.pattern(),
                d));
      }
    }
  }
}
