package io.cardinal.server.web;

/**
 * An API response in Prometheus's envelope: {@code {"status":"success","data":...}} or
 * {@code {"status":"error","errorType":"bad_data","error":"..."}} with the matching HTTP status.
 */
public record ApiResult(int httpStatus, String body) {
  /** Success with {@code dataJson} (already serialised) as data. */
  public static ApiResult success(String dataJson) {
    return new ApiResult(200, new Json().beginObject().name("status").value("success").name("data").raw(dataJson)
        .endObject().toString());
  }

  /** Prometheus's error types: bad_data, execution, timeout, canceled, internal, unavailable, not_found. */
  public static ApiResult error(String errorType, String message) {
    int status = switch (errorType) {
      case "bad_data" -> 400;
      case "execution" -> 422;
      case "canceled" -> 499;
      case "timeout" -> 503;
      case "unavailable" -> 503;
      case "not_found" -> 404;
      default -> 500;
    };
    return new ApiResult(status, new Json().beginObject().name("status").value("error").name("errorType")
        .value(errorType).name("error").value(message).endObject().toString());
  }

  public static ApiResult badData(String message) {
    return error("bad_data", message);
  }
}
