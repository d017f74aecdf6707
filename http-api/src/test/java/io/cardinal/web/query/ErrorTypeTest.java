package io.cardinal.web.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cardinal.promql.engine.QueryException;
import io.cardinal.web.ApiResult;
import org.junit.jupiter.api.Test;

/** Query errors get Prometheus's error types and status codes. */
class ErrorTypeTest {
  @Test
  void eachKindHasPrometheussTypeAndStatus() {
    assertEquals("bad_data", EngineQueryService.errorType(QueryException.Kind.BAD_DATA));
    assertEquals("timeout", EngineQueryService.errorType(QueryException.Kind.TIMEOUT));
    assertEquals("canceled", EngineQueryService.errorType(QueryException.Kind.CANCELED));
    assertEquals("execution", EngineQueryService.errorType(QueryException.Kind.EXECUTION));
    assertEquals("execution", EngineQueryService.errorType(QueryException.Kind.TOO_MANY_SAMPLES));
    // A corrupt block index or chunk: 422 as from Prometheus, where it was 500 "internal".
    assertEquals("execution", EngineQueryService.errorType(QueryException.Kind.STORAGE));
    assertEquals(422, ApiResult.error("execution", "x").httpStatus());
  }
}
