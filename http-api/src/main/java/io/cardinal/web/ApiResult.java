package io.cardinal.web;

import java.nio.charset.StandardCharsets;

/**
 * An API response in Prometheus's envelope: {@code {"status":"success","data":...}} or {@code
 * {"status":"error","errorType":"bad_data","error":"..."}} with the matching HTTP status.
 *
 * <p>The body is a String, or UTF-8 bytes already encoded (query results, written without
 * intermediate Strings: {@link #ofUtf8}); {@link #body()} and {@link #utf8()} give either form.
 */
public final class ApiResult {
  private final int httpStatus;
  private String body;
  private final byte[] bytes;
  private final int length;

  public ApiResult(int httpStatus, String body) {
    this.httpStatus = httpStatus;
    this.body = body;
    this.bytes = null;
    this.length = 0;
  }

  private ApiResult(int httpStatus, byte[] bytes, int length) {
    this.httpStatus = httpStatus;
    this.bytes = bytes;
    this.length = length;
  }

  /** A response whose body is {@code utf8[0..length)}; the array is not copied. */
  public static ApiResult ofUtf8(int httpStatus, byte[] utf8, int length) {
    return new ApiResult(httpStatus, utf8, length);
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String body() {
    if (body == null) {
      body = new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
    return body;
  }

  /** The body as UTF-8 bytes: {@code utf8()[0..utf8Length())}. */
  public byte[] utf8() {
    return bytes != null ? bytes : body.getBytes(StandardCharsets.UTF_8);
  }

  public int utf8Length() {
    return bytes != null ? length : -1;
  }

  @Override
  public String toString() {
    return "ApiResult[httpStatus=" + httpStatus + ", body=" + body() + "]";
  }

  /** Success with {@code dataJson} (already serialised) as data. */
  public static ApiResult success(String dataJson) {
    return new ApiResult(
        200,
        new Json()
            .beginObject()
            .name("status")
            .value("success")
            .name("data")
            .raw(dataJson)
            .endObject()
            .toString());
  }

  /**
   * Prometheus's error types: bad_data, execution, timeout, canceled, internal, unavailable,
   * not_found.
   */
  public static ApiResult error(String errorType, String message) {
    int status =
        switch (errorType) {
          case "bad_data" -> 400;
          case "execution" -> 422;
          case "canceled" -> 499;
          case "timeout" -> 503;
          case "unavailable" -> 503;
          case "not_found" -> 404;
          default -> 500;
        };
    return new ApiResult(
        status,
        new Json()
            .beginObject()
            .name("status")
            .value("error")
            .name("errorType")
            .value(errorType)
            .name("error")
            .value(message)
            .endObject()
            .toString());
  }

  public static ApiResult badData(String message) {
    return error("bad_data", message);
  }
}
