package io.cardinal.template;

import io.cardinal.template.Values.StringMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Expands alert label and annotation templates as Prometheus's rule manager does: the text is
 * prefixed with {@code {{$labels := .Labels}}{{$externalLabels := .ExternalLabels}} {{$externalURL
 * := .ExternalURL}}{{$value := .Value}}} (on the same line, so positions in error messages count
 * those definitions, as Prometheus's do), executed on {@code {Labels, ExternalLabels, ExternalURL,
 * Value}} with {@code missingkey=zero} (a missing label is {@code ""}), and a failure yields the
 * text {@code <error expanding template: ERR>} in place of the value.
 */
public final class AlertTemplates {
  private AlertTemplates() {}

  static final String DEFS =
      "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
          + "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

  private static final int CACHE_LIMIT = 4096;
  private static final Map<String, Object> CACHE = new ConcurrentHashMap<>();

  /** The data an alert template executes on: Prometheus's {@code AlertTemplateData}. */
  record AlertData(StringMap labels, StringMap externalLabels, String externalURL, Object value)
      implements Values.GoTyped {
    @Override
    public String goType() {
      return "struct { Labels map[string]string; ExternalLabels map[string]string;"
          + " ExternalURL string; Value interface {} }";
    }
  }

  /** The template name Prometheus gives an alert's templates: {@code __alert_<alertname>}. */
  public static String templateName(String alertName) {
    return "__alert_" + alertName;
  }

  /**
   * Expands {@code text}; never throws. On failure the result is {@code <error expanding template:
   * error parsing template NAME: ...>} or {@code <error expanding template: error executing
   * template NAME: ...>}, Prometheus's text.
   *
   * @param name the template name, {@link #templateName(String)} of the alert for Prometheus's
   *     messages
   * @param evalTimeMs the rule evaluation time, for {@code now} and {@code query}
   * @param query runs {@code query} (null: {@code query} fails)
   */
  public static String expand(
      String name,
      String text,
      Map<String, String> labels,
      Map<String, String> externalLabels,
      String externalUrl,
      double value,
      long evalTimeMs,
      QueryFunction query) {
    String url = externalUrl == null ? "" : externalUrl;
    Object parsed = parse(name, text == null ? "" : text);
    if (parsed instanceof TemplateException e) {
      return "<error expanding template: error parsing template "
          + name
          + ": "
          + e.getMessage()
          + ">";
    }
    AlertData data =
        new AlertData(new StringMap(labels), new StringMap(externalLabels), url, value);
    TemplateContext ctx =
        new TemplateContext(evalTimeMs, query, url, TemplateContext.MissingKey.ZERO);
    try {
      return ((Template) parsed).execute(data, ctx);
    } catch (TemplateException e) {
      return "<error expanding template: error executing template "
          + name
          + ": "
          + e.getMessage()
          + ">";
    } catch (RuntimeException | StackOverflowError e) {
      return "<error expanding template: panic expanding template " + name + ": " + e + ">";
    }
  }

  /**
   * Parses {@code text} as {@link #expand} would, with the alert variables defined, to reject a
   * rule file whose template cannot parse ({@code promtool check rules} does the same).
   *
   * @throws TemplateException Go's parse error
   */
  public static void check(String name, String text) throws TemplateException {
    Object parsed = parse(name, text == null ? "" : text);
    if (parsed instanceof TemplateException e) {
      throw e;
    }
  }

  /** A parsed template or its parse error, cached: rules expand the same texts every round. */
  private static Object parse(String name, String text) {
    String key = name + '\u0000' + text;
    Object p = CACHE.get(key);
    if (p == null) {
      try {
        p = Template.parse(name, DEFS + text);
      } catch (TemplateException e) {
        p = e;
      } catch (RuntimeException | StackOverflowError e) {
        p = new TemplateException("template: " + name + ": " + e, true);
      }
      if (CACHE.size() >= CACHE_LIMIT) {
        CACHE.clear();
      }
      CACHE.put(key, p);
    }
    return p;
  }
}
