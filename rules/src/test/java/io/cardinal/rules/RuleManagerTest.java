package io.cardinal.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.Cardinal;
import io.cardinal.tsdb.Appender;
import io.cardinal.tsdb.labels.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedder's view: rules from code and from a file, alerts heard through a listener. */
class RuleManagerTest {
  @TempDir Path dir;

  @Test
  void embeddedRulesRaiseAndResolveAlertsThroughTheListener() throws Exception {
    try (Cardinal db = Cardinal.inMemory();
        RuleManager rules =
            new RuleManager(
                db, RuleOptions.defaults().withEvaluationInterval(Duration.ofMillis(200)))) {
      BlockingQueue<String> heard = new LinkedBlockingQueue<>();
      rules.addListener(
          new AlertListener() {
            @Override
            public void stateChanged(String rule, ActiveAlert a, AlertState previous) {
              heard.add(rule + ":" + previous.apiName() + "->" + a.state().apiName());
            }
          });
      rules.update(
          List.of(
              GroupSpec.of(
                  "in-code",
                  List.of(
                      RuleSpec.alerting(
                          "QueueBacklog",
                          "queue_depth > 1000",
                          0,
                          Labels.of("severity", "page"),
                          Labels.of("summary", "{{ $value }} queued"))))));
      Appender app = db.appender();
      app.append(0, Labels.of("__name__", "queue_depth"), System.currentTimeMillis(), 5000);
      app.commit();
      assertEquals("QueueBacklog:inactive->pending", heard.poll(10, TimeUnit.SECONDS));
      assertEquals("QueueBacklog:pending->firing", heard.poll(10, TimeUnit.SECONDS));
      ActiveAlert a = rules.alerts().get(0);
      assertEquals("5000 queued", a.annotations().get("summary"));
      app.append(0, Labels.of("__name__", "queue_depth"), System.currentTimeMillis(), 10);
      app.commit();
      assertEquals("QueueBacklog:firing->inactive", heard.poll(10, TimeUnit.SECONDS));
      assertEquals(List.of(), rules.alerts());

      // The same manager takes a file's groups instead; the in-code group is gone.
      Files.writeString(
          dir.resolve("r.yml"),
          "groups:\n  - name: file\n    rules:\n      - record: twice\n        expr: queue_depth * 2\n");
      rules.loadFiles(List.of(dir.resolve("r.yml")));
      List<GroupStatus> groups = rules.groups();
      assertEquals(1, groups.size());
      assertEquals("file", groups.get(0).name());
      assertEquals(dir.resolve("r.yml").toString(), groups.get(0).file());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!db.query("twice", java.time.Instant.now()).toString().contains("20")
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(db.query("twice", java.time.Instant.now()).toString().contains("20"));
    }
  }

  @Test
  void aBadFileChangesNothing() throws Exception {
    try (Cardinal db = Cardinal.inMemory();
        RuleManager rules = new RuleManager(db, RuleOptions.defaults())) {
      rules.update(
          List.of(
              GroupSpec.of("kept", List.of(RuleSpec.recording("r", "vector(1)", Labels.EMPTY)))));
      Files.writeString(
          dir.resolve("bad.yml"), "groups:\n  - name: x\n    rules:\n      - record: r\n");
      RuleFileException e =
          assertThrows(
              RuleFileException.class, () -> rules.loadFiles(List.of(dir.resolve("bad.yml"))));
      assertTrue(
          e.getMessage()
              .contains("bad.yml: 4: group \"x\", rule 1, \"r\": field 'expr' must be set"),
          e.getMessage());
      assertEquals("kept", rules.groups().get(0).name());
    }
  }

  /**
   * Rules a streaming backend takes are evaluated by it; the others stay queries, with a reason.
   */
  @Test
  void streamingBackendTakesTheRulesItCan() throws Exception {
    try (Cardinal db = Cardinal.inMemory();
        RuleManager rules =
            new RuleManager(
                db, RuleOptions.defaults().withEvaluationInterval(Duration.ofMillis(100)))) {
      List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
      rules.setStreamingBackend(
          expr -> {
            if (!expr.toPromQL().startsWith("vector")) {
              return new StreamingBackend.Registration(null, "only vector() here");
            }
            return new StreamingBackend.Registration(
                new StreamingBackend.Handle() {
                  @Override
                  public List<io.cardinal.promql.engine.Value.Sample> evaluate(long t) {
                    return List.of(new io.cardinal.promql.engine.Value.Sample(Labels.EMPTY, t, 42));
                  }

                  @Override
                  public void close() {
                    closed.add(expr.toPromQL());
                  }
                },
                null);
          });
      rules.update(
          List.of(
              GroupSpec.of(
                  "g",
                  List.of(
                      RuleSpec.recording("streamed", "vector(1)", Labels.EMPTY),
                      RuleSpec.recording("queried", "count(up)", Labels.EMPTY)))));
      List<RuleStatus> rs = rules.groups().get(0).rules();
      assertEquals("streaming", rs.get(0).evaluationMode());
      assertEquals("", rs.get(0).queryReason());
      assertEquals("query", rs.get(1).evaluationMode());
      assertEquals("only vector() here", rs.get(1).queryReason());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      // The streamed rule's value comes from the backend (42), not from vector(1).
      while (!db.query("streamed", java.time.Instant.now()).toString().contains("42")
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(db.query("streamed", java.time.Instant.now()).toString().contains("42"));
      rules.update(List.of());
      assertEquals(List.of("vector(1)"), closed);
    }
  }
}
