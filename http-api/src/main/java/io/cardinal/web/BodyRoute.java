package io.cardinal.web;

import java.io.IOException;
import java.util.function.Function;

/**
 * An endpoint that takes a whole request body and answers bytes: what modules outside the web layer
 * (remote write and read) register in the route table with {@link WebServer#route}.
 */
@FunctionalInterface
public interface BodyRoute {
  /**
   * @param header a request header by name (null when absent)
   * @param body the whole request body, or null when it was longer than the route's limit
   */
  Reply handle(Function<String, String> header, byte[] body) throws IOException;

  /** A response; {@code contentEncoding} may be null. */
  record Reply(int status, String contentType, String contentEncoding, byte[] body) {
    public static Reply text(int status, String text) {
      return new Reply(
          status,
          "text/plain; charset=utf-8",
          null,
          text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
