package io.cardinal.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardinal.exposition.EntryType;
import io.cardinal.exposition.ExpositionFormat;
import io.cardinal.exposition.ExpositionParseException;
import io.cardinal.exposition.ExpositionParser;
import io.cardinal.tsdb.labels.Labels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a running server (Cardinal, or Prometheus for the endpoints they share): JSON API answers,
 * and text-format expositions ({@code /metrics}, {@code /federate}) parsed with our own parser.
 * Every failure, from a refused connection to an error envelope, is a {@link BadInputException}
 * naming the URL.
 */
final class ServerClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String base;
  private final HttpClient http;
  private final Duration timeout;

  public ServerClient(String url) throws BadInputException {
    this(url, Duration.ofSeconds(10));
  }

  public ServerClient(String url, Duration timeout) throws BadInputException {
    String u = url.trim();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    if (!u.startsWith("http://") && !u.startsWith("https://")) {
      u = "http://" + u;
    }
    try {
      URI uri = URI.create(u);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
    } catch (IllegalArgumentException e) {
      throw new BadInputException("not a server URL: \"" + url + "\"");
    }
    this.base = u;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public String base() {
    return base;
  }

  /** The body of GET base+path, which must answer 200. */
  public String get(String path) throws BadInputException {
    String url = base + path;
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() != 200) {
        String body = r.body().length() > 300 ? r.body().substring(0, 300) + "..." : r.body();
        throw new BadInputException(
            "GET " + url + ": HTTP " + r.statusCode() + ": " + body.strip());
      }
      return r.body();
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (e instanceof java.net.ConnectException) {
        why = "connection refused";
      }
      throw new BadInputException("cannot reach " + url + ": " + why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BadInputException("interrupted while reading " + url);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("bad URL " + url + ": " + e.getMessage());
    }
  }

  /** The {@code data} of a Prometheus API answer ({@code {"status":"success","data":...}}). */
  public JsonNode api(String path) throws BadInputException {
    String body = get(path);
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (IOException e) {
      throw new BadInputException("GET " + base + path + ": not a JSON answer: " + e.getMessage());
    }
    if (!"success".equals(n.path("status").asText())) {
      throw new BadInputException(
          "GET " + base + path + ": " + n.path("error").asText("unexpected answer"));
    }
    return n.path("data");
  }

  /** One sample of an exposition. */
  public record Sample(Labels labels, double value) {}

  /** The samples of a text-format exposition at base+path. */
  public List<Sample> exposition(String path) throws BadInputException {
    String body = get(path);
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ExpositionParser p =
        ExpositionParser.create(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, b, 0, b.length);
    List<Sample> out = new ArrayList<>();
    try {
      for (EntryType e = p.next(); e != EntryType.EOF; e = p.next()) {
        if (e != EntryType.SAMPLE) {
          continue;
        }
        String[] pairs = new String[2 + 2 * p.labels().size()];
        pairs[0] = Labels.METRIC_NAME;
        pairs[1] = p.name();
        for (int i = 0; i < p.labels().size(); i++) {
          pairs[2 + 2 * i] = p.labels().name(i);
          pairs[3 + 2 * i] = p.labels().value(i);
        }
        out.add(new Sample(Labels.of(pairs), p.value()));
      }
    } catch (ExpositionParseException | IllegalArgumentException e) {
      throw new BadInputException("GET " + base + path + ": " + e.getMessage());
    }
    return out;
  }

  /** The first sample named {@code name} whose labels include {@code labelPairs}, or NaN. */
  public static double value(List<Sample> samples, String name, String... labelPairs) {
    for (Sample s : samples) {
      if (!s.labels().metricName().equals(name)) {
        continue;
      }
      boolean ok = true;
      for (int i = 0; i + 1 < labelPairs.length; i += 2) {
        ok &= s.labels().get(labelPairs[i]).equals(labelPairs[i + 1]);
      }
      if (ok) {
        return s.value();
      }
    }
    return Double.NaN;
  }
}
