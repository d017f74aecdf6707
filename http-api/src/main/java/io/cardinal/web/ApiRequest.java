package io.cardinal.web;

import java.util.List;
import java.util.Map;

/** An API request's parameters: the query string and, for POST, the form body, merged. */
public final class ApiRequest {
  private final String method;
  private final Map<String, List<String>> params;

  public ApiRequest(String method, Map<String, List<String>> params) {
    this.method = method;
    this.params = params;
  }

  public String method() {
    return method;
  }

  /** The first value of {@code name}, or null. */
  public String first(String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  public List<String> all(String name) {
    List<String> v = params.get(name);
    return v == null ? List.of() : v;
  }

  public Map<String, List<String>> params() {
    return params;
  }
}
