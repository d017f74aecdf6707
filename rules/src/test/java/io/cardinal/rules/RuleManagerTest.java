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
}
