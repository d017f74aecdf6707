package io.cardinal.web;

/**
 * The PromQL endpoints, which the query engine implements. The server routes the requests here (GET
 * or form POST, parameters merged into {@link ApiRequest}) and writes the result as is.
 */
public interface QueryService {
  /** {@code /api/v1/query}: query, time, timeout, limit, lookback_delta, stats. */
  ApiResult query(ApiRequest request);

  /**
   * {@code /api/v1/query_range}: query, start, end, step, timeout, limit, lookback_delta, stats.
   */
  ApiResult queryRange(ApiRequest request);

  /** {@code /api/v1/format_query}: query. */
  ApiResult formatQuery(ApiRequest request);

  /**
   * {@code /api/v1/parse_query}: query; the AST as JSON in Prometheus's shape (an experimental
   * endpoint in Prometheus, there for its UI's explain view, as here).
   */
  ApiResult parseQuery(ApiRequest request);

  /** Until the engine is wired in: every query answers 503 with Prometheus's error shape. */
  QueryService UNAVAILABLE =
      new QueryService() {
        private ApiResult unavailable() {
          return ApiResult.error(
              "unavailable", "the PromQL engine is not available in this build of Cardinal yet");
        }

        @Override
        public ApiResult query(ApiRequest request) {
          return unavailable();
        }

        @Override
        public ApiResult queryRange(ApiRequest request) {
          return unavailable();
        }

        @Override
        public ApiResult formatQuery(ApiRequest request) {
          return unavailable();
        }

        @Override
        public ApiResult parseQuery(ApiRequest request) {
          return unavailable();
        }
      };
}
