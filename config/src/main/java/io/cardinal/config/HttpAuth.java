package io.cardinal.config;

import io.cardinal.config.Config.Authorization;
import io.cardinal.config.Config.BasicAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The {@code Authorization} header of an HTTP client section ({@code basic_auth}, {@code
 * authorization}, {@code bearer_token*}), shared by scraping, remote write and the notifier.
 */
public final class HttpAuth {
  private HttpAuth() {}

  /**
   * The header value, or null without authentication. Password and credentials files are read on
   * every call, as Prometheus reads them on every request, so a rotated secret takes effect without
   * a reload.
   */
  public static String header(BasicAuth basic, Authorization auth) throws IOException {
    if (basic != null) {
      String pw = basic.password();
      if (!basic.passwordFile().isEmpty()) {
        pw = Files.readString(Path.of(basic.passwordFile())).trim();
      }
      String token = basic.username() + ":" + pw;
      return "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }
    if (auth != null) {
      String cred = auth.credentials();
      if (!auth.credentialsFile().isEmpty()) {
        cred = Files.readString(Path.of(auth.credentialsFile())).trim();
      }
      return auth.type() + " " + cred;
    }
    return null;
  }
}
