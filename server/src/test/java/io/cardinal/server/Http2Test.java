package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/2 in clear text beside HTTP/1.1 on the same port. */
class Http2Test {
  @TempDir Path dir;

  @Test
  void aClientThatAsksForHttp2GetsItAndTheSameAnswers() throws Exception {
    try (ServerHarness h = ServerHarness.start(dir, "scrape_configs: []\n", o -> o)) {
      HttpClient h2 =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_2)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r =
            h2.send(
                HttpRequest.newBuilder(URI.create(h.url() + "/api/v1/query?query=1%2B1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(HttpClient.Version.HTTP_2, r.version(), "upgraded to h2c");
        assertTrue(r.body().contains("\"2\""), r.body());
      }
      // HTTP/1.1 clients are served as before.
      assertEquals(200, h.get("/-/ready").status());
    }
  }
}
