package io.cardinal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cardinal.testing.Interop;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser: Debian's headless Chromium driven through chromium-driver. One
 * server scrapes a healthy target, a target nobody listens on and a target that explodes in
 * cardinality under a {@code sample_limit} and a global series limit, with an alerting rule. Each
 * page is asserted on what it shows (not only that it loaded), and a screenshot of each is written
 * to {@code target/ui-screenshots} ({@code -Dcardinal.ui.screenshots=DIR} to write them elsewhere,
 * as docs/ui.md's were).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiBrowserTest {
  static final int HEALTHY_SERIES = 12;
  static final int NEW_PER_SCRAPE = 400;
  static final int SAMPLE_LIMIT = 150;
  static final long MAX_SERIES = 900;

  private Path dir;
  private ExplosionTargets targets;
  private ServerHarness cardinal;
  private WebDriver driver;
  private WebDriverWait wait;
  private Path shots;

  @BeforeAll
  void start() throws Exception {
    Path chromium = Interop.find("chromium");
    Path chromedriver = Interop.find("chromedriver");
    if (chromium == null || chromedriver == null) {
      Interop.skipOrFail(
          "'chromium' and 'chromedriver' (Debian's 'chromium' and 'chromium-driver' packages) are"
              + " needed for the browser tests of the web UI; install them (.ci/run does)");
    }
    dir = Files.createTempDirectory("cardinal-ui");
    shots = Path.of(System.getProperty("cardinal.ui.screenshots", "target/ui-screenshots"));
    Files.createDirectories(shots);
    targets = new ExplosionTargets(HEALTHY_SERIES, NEW_PER_SCRAPE, 7);
    String addr = targets.address();
    Files.writeString(
        dir.resolve("rules.yml"),
        "groups:\n"
            + "  - name: availability\n"
            + "    interval: 200ms\n"
            + "    rules:\n"
            + "      - record: job:up:sum\n"
            + "        expr: sum by (job) (up)\n"
            + "      - alert: TargetDown\n"
            + "        expr: up == 0\n"
            + "        labels: {severity: page}\n"
            + "        annotations: {summary: '{{ $labels.instance }} of {{ $labels.job }} is down'}\n");
    cardinal =
        ServerHarness.start(
            dir,
            "global:\n  scrape_interval: 200ms\n  scrape_timeout: 150ms\n"
                + "rule_files: [rules.yml]\n"
                + "scrape_configs:\n"
                + "  - job_name: healthy\n    metrics_path: /healthy\n"
                + "    static_configs: [{targets: ['"
                + addr
                + "']}]\n"
                + "  - job_name: attacked\n    metrics_path: /attacked\n    sample_limit: "
                + SAMPLE_LIMIT
                + "\n    static_configs: [{targets: ['"
                + addr
                + "']}]\n"
                + "  - job_name: unreachable\n"
                + "    static_configs: [{targets: ['127.0.0.1:1']}]\n",
            o ->
                o.withMaxSeries(MAX_SERIES)
                    .withFlags(java.util.Map.of("storage.tsdb.head.max-series", "900")));
    ServerHarness.await(
        "healthy target scraped",
        20_000,
        () -> query("count(healthy_requests_total)").contains(",\"" + HEALTHY_SERIES + "\"]"));

    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    wait = new WebDriverWait(driver, Duration.ofSeconds(20));
  }

  @AfterAll
  void stop() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (cardinal != null) {
      cardinal.close();
    }
    if (targets != null) {
      targets.close();
    }
  }

  private String query(String q) {
    try {
      return cardinal.get("/api/v1/query?query=" + ServerHarness.enc(q)).body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private void open(String page) {
    driver.get(cardinal.url() + "/" + page);
  }

  private void shot(String name) throws IOException {
    // Let charts and late rows settle before the picture.
    ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
    File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), shots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private WebElement visible(String css) {
    try {
      return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    } catch (org.openqa.selenium.TimeoutException e) {
      // What the page showed instead: its text, and a screenshot beside the others.
      try {
        shot("failed-" + css.replaceAll("[^a-z]+", "-"));
      } catch (IOException | RuntimeException ignored) {
        // the diagnosis must not hide the failure
      }
      throw new AssertionError(
          "no visible "
              + css
              + "; the page shows:\n"
              + driver.findElement(By.tagName("main")).getText(),
          e);
    }
  }

  private void waitText(String css, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  @Test
  @Order(1)
  void rootLeadsToTheQueryPage() {
    driver.get(cardinal.url() + "/");
    wait.until(ExpectedConditions.urlContains("/query"));
    assertEquals(
        "Prometheus Time Series Collection and Processing Server",
        driver.getTitle(),
        "--web.page-title's default, as Prometheus");
    assertTrue(visible("nav a.active").getText().contains("Query"));
  }

  @Test
  @Order(2)
  void typeAQueryWithCompletionSeeTheTableAndTheGraph() throws IOException {
    open("query");
    WebElement area = visible("textarea.expr");
    area.sendKeys("healthy_req");
    WebElement item = visible(".completions li.sel");
    assertTrue(item.getText().startsWith("healthy_requests_total"), item.getText());
    assertTrue(item.getText().contains("metric"), "the completion says what it offers");
    area.sendKeys(Keys.TAB);
    assertEquals("healthy_requests_total", area.getAttribute("value"));

    // Label name completion inside the braces, from the labels of that metric.
    area.sendKeys("{pa");
    WebElement label = visible(".completions li.sel");
    assertTrue(label.getText().startsWith("path"), label.getText());
    area.sendKeys(Keys.TAB);
    area.sendKeys("=\"/p1");
    WebElement value = visible(".completions li.sel");
    assertTrue(value.getText().startsWith("/p1"), value.getText());
    area.sendKeys(Keys.ESCAPE);
    area.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
    area.sendKeys("healthy_requests_total");
    area.sendKeys(Keys.ESCAPE);
    area.sendKeys(Keys.ENTER);

    wait.until(
        d -> d.findElements(By.cssSelector("table.result tbody tr")).size() == HEALTHY_SERIES);
    List<WebElement> rows = driver.findElements(By.cssSelector("table.result tbody tr"));
    String all = rows.stream().map(WebElement::getText).reduce("", (a, b) -> a + "\n" + b);
    assertTrue(all.contains("healthy_requests_total{instance=\""), all);
    assertTrue(all.contains("path=\"/p11\""), all);
    waitText(".stats", "Result series: " + HEALTHY_SERIES);
    shot("query-table");

    driver.findElement(By.cssSelector(".tab-graph")).click();
    visible(".chart canvas");
    wait.until(d -> d.findElements(By.cssSelector(".u-legend .u-series")).size() > HEALTHY_SERIES);
    List<WebElement> legend = driver.findElements(By.cssSelector(".u-legend .u-series"));
    assertEquals(HEALTHY_SERIES + 1, legend.size(), "time plus one entry per series");
    // Clicking a legend entry hides that series.
    legend.get(1).click();
    wait.until(d -> d.findElements(By.cssSelector(".u-legend .u-series.u-off")).size() == 1);
    String url = driver.getCurrentUrl();
    assertTrue(url.contains("g0.expr=healthy_requests_total"), url);
    assertTrue(url.contains("g0.tab=graph"), url);

    // The range picker: typed, then stepped; stacked mode; the shared URL reproduces the view.
    WebElement range = driver.findElement(By.cssSelector("input.range"));
    range.sendKeys(Keys.chord(Keys.CONTROL, "a"), "1m", Keys.TAB);
    wait.until(ExpectedConditions.urlContains("g0.range_input=1m"));
    visible(".chart canvas");
    shot("query-graph");
    driver.findElement(By.cssSelector("input.stacked")).click();
    driver.findElement(By.cssSelector(".range-more")).click();
    wait.until(ExpectedConditions.urlContains("g0.display_mode=stacked"));
    wait.until(ExpectedConditions.urlContains("g0.range_input=5m"));
    String shared = driver.getCurrentUrl();
    driver.get(shared);
    visible(".chart canvas");
    assertEquals("healthy_requests_total", visible("textarea.expr").getAttribute("value"));
    assertTrue(
        driver.findElement(By.cssSelector(".tab-graph")).getAttribute("class").contains("on"));
    assertTrue(driver.findElement(By.cssSelector("input.stacked")).isSelected());
    assertEquals("5m", driver.findElement(By.cssSelector("input.range")).getAttribute("value"));
  }

  @Test
  @Order(3)
  void prometheus2GraphLinksOpenHere() {
    driver.get(cardinal.url() + "/graph?g0.expr=up&g0.tab=1");
    wait.until(ExpectedConditions.urlContains("/query"));
    wait.until(d -> d.findElements(By.cssSelector("table.result tbody tr")).size() >= 3);
    assertTrue(
        driver.findElement(By.cssSelector(".tab-table")).getAttribute("class").contains("on"));
  }

  @Test
  @Order(4)
  void syntaxErrorsAreMarkedWhereTheyAre() throws Exception {
    open("query");
    WebElement area = visible("textarea.expr");
    String bad = "sum(rate(healthy_requests_total[1m])";
    area.sendKeys(bad);
    area.sendKeys(Keys.ESCAPE);
    WebElement marker = visible(".syntax");
    String api = cardinal.get("/api/v1/parse_query?query=" + ServerHarness.enc(bad)).body();
    // The server's own position, e.g. "1:37: parse error: unclosed left parenthesis".
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+):(\\d+): parse error: ([^\"]+)").matcher(api);
    assertTrue(m.find(), api);
    assertEquals(m.group(1), marker.getAttribute("data-line"));
    assertEquals(m.group(2), marker.getAttribute("data-column"));
    assertTrue(marker.getText().contains(m.group(3)), marker.getText());
    String caretLine = marker.findElement(By.cssSelector(".caret")).getText();
    assertEquals(
        Integer.parseInt(m.group(2)) - 1,
        caretLine.indexOf('^'),
        "the caret stands under the column the parser names");
    assertTrue(area.getAttribute("class").contains("invalid"));
    shot("query-syntax-error");
    area.sendKeys(")");
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".syntax")));
    assertFalse(area.getAttribute("class").contains("invalid"));
  }

  @Test
  @Order(5)
  void explainShowsEachSubExpressionWithItsResultCount() throws IOException {
    open(
        "query?g0.tab=explain&g0.expr="
            + ServerHarness.enc("sum by (path) (rate(healthy_requests_total[1m])) > 0"));
    wait.until(
        d ->
            d.findElements(By.cssSelector(".explain-node .result[data-count]")).size() == 4
                && d.findElements(By.cssSelector(".explain-node")).size() == 5);
    WebElement selector =
        driver.findElement(By.cssSelector(".explain-node[data-type=matrixSelector] .result"));
    assertEquals(String.valueOf(HEALTHY_SERIES), selector.getAttribute("data-count"));
    assertTrue(selector.getText().contains("range series"), selector.getText());
    WebElement agg =
        driver.findElement(By.cssSelector(".explain-node[data-type=aggregation] > .node"));
    assertTrue(agg.getText().contains("sum by (path)"), agg.getText());
    assertTrue(agg.getText().matches("(?s).*\\d+ series in [0-9.]+ms.*"), agg.getText());
    assertEquals(
        "literal",
        driver
            .findElement(By.cssSelector(".explain-node[data-type=numberLiteral] .result"))
            .getText());
    shot("query-explain");
  }

  @Test
  @Order(6)
  void severalPanels() {
    open("query?g0.expr=up&g0.tab=table&g1.expr=job%3Aup%3Asum&g1.tab=table");
    wait.until(d -> d.findElements(By.cssSelector(".panel")).size() == 2);
    wait.until(d -> d.findElements(By.cssSelector(".panel table.result")).size() == 2);
    driver.findElement(By.id("add-panel")).click();
    wait.until(d -> d.findElements(By.cssSelector(".panel")).size() == 3);
    driver.findElements(By.cssSelector(".panel .remove")).get(0).click();
    wait.until(d -> d.findElements(By.cssSelector(".panel")).size() == 2);
    wait.until(ExpectedConditions.urlContains("g0.expr=job%3Aup%3Asum"));
  }

  @Test
  @Order(7)
  void targetsShowHealthAndTheErrorToFollow() throws IOException {
    open("targets");
    WebElement down = visible(".pool[data-pool=unreachable] tr.target[data-health=down]");
    String error = down.findElement(By.cssSelector(".target-error")).getText();
    assertTrue(error.toLowerCase().contains("connection refused"), error);
    assertTrue(
        visible(".pool[data-pool=healthy] h2").getText().contains("(1/1 up)"), "health per job");
    shot("targets");
    driver.findElement(By.id("unhealthy-only")).click();
    wait.until(d -> d.findElements(By.cssSelector(".pool")).size() == 1);
    // Follow the error to the target's up series.
    down = visible(".pool[data-pool=unreachable] tr.target");
    down.findElement(By.cssSelector(".target-error a")).click();
    wait.until(ExpectedConditions.urlContains("/query"));
    wait.until(d -> d.findElements(By.cssSelector("table.result tbody tr")).size() == 1);
    String row = driver.findElement(By.cssSelector("table.result tbody tr")).getText();
    assertTrue(row.contains("job=\"unreachable\"") && row.endsWith("0"), row);
  }

  @Test
  @Order(8)
  void alertsAndRules() throws Exception {
    ServerHarness.await(
        "TargetDown firing",
        20_000,
        () -> query("ALERTS{alertstate=\"firing\"}").contains("TargetDown"));
    open("alerts");
    WebElement rule = visible("details.alert-rule[data-state=firing]");
    String text = rule.getText();
    assertTrue(text.contains("TargetDown"), text);
    assertTrue(text.contains("127.0.0.1:1 of unreachable is down"), "annotation rendered: " + text);
    assertTrue(text.contains("severity=\"page\""), text);
    shot("alerts");
    open("rules");
    WebElement group = visible(".rule-group");
    waitText(".rule-group", "record: job:up:sum");
    assertTrue(group.getText().contains("alert: TargetDown"), group.getText());
    assertTrue(group.getText().contains("OK"), group.getText());
    shot("rules");
  }

  @Test
  @Order(9)
  void statusPages() throws IOException {
    open("config");
    waitText("#config-yaml", "sample_limit: " + SAMPLE_LIMIT);
    shot("config");
    open("flags");
    waitText("table.flags", "--storage.tsdb.head.max-series");
    assertTrue(driver.findElement(By.cssSelector("table.flags")).getText().contains("900"));
    driver.findElement(By.id("flag-filter")).sendKeys("max-series");
    wait.until(d -> d.findElements(By.cssSelector("table.flags tbody tr")).size() <= 3);
    shot("flags");
    open("status");
    waitText(".runtime", "Start time");
    waitText(".build", "version");
    shot("status");
    open("tsdb-status");
    waitText(".head-stats", "Number of series");
    waitText("main", "healthy_requests_total");
    shot("tsdb-status");
    open("service-discovery");
    waitText("main", "__address__=\"127.0.0.1:1\"");
    waitText("main", "unreachable");
    shot("service-discovery");
  }

  @Test
  @Order(10)
  void cardinalityExplorerAndLimitsDuringAnExplosion() throws Exception {
    targets.attacking.set(true);
    ServerHarness.await(
        "the head reaches the global series limit",
        30_000,
        () -> cardinal.server.db().headSeries() >= MAX_SERIES - 5);
    open("cardinality");
    WebElement top = visible(".by-metric tbody tr");
    assertTrue(top.getText().startsWith("http_requests_total"), top.getText());
    waitText(".churn", "http_requests_total");
    WebElement churnTop = driver.findElement(By.cssSelector(".churn tbody tr"));
    long churn =
        Long.parseLong(
            churnTop.getText().replaceAll("^\\S+\\s+([0-9,]+).*$", "$1").replace(",", ""));
    assertTrue(churn > SAMPLE_LIMIT, "new series of the exploding metric: " + churnTop.getText());
    waitText(".by-label", "url");
    shot("cardinality");

    top.findElement(By.cssSelector("a.metric-link")).click();
    waitText(".drill-title", "Metric http_requests_total");
    long inHour = Long.parseLong(visible(".metric-series").getText().replace(",", ""));
    assertTrue(inHour > SAMPLE_LIMIT, "the exploded series of the last hour: " + inHour);
    WebElement urlRow = visible(".metric-labels tr.label-row");
    assertTrue(
        urlRow.getText().startsWith("url"), "the exploding label first: " + urlRow.getText());
    wait.until(d -> d.findElements(By.cssSelector(".series-list tr.series-row")).size() == 100);
    assertTrue(driver.getCurrentUrl().contains("metric=http_requests_total"));
    shot("cardinality-metric");

    open("limits");
    waitText(".series-limit", "/ 900");
    String used = visible(".series-limit .used").getText();
    assertTrue(Double.parseDouble(used.replaceAll("%.*", "")) >= 99, used);
    WebElement job = visible(".jobs tr.job-row");
    assertTrue(
        job.getText().startsWith("attacked"), "nearest its sample_limit first: " + job.getText());
    WebElement skipping = visible(".targets-skipped tr.target-row.skipping");
    assertTrue(skipping.getText().startsWith("attacked"), skipping.getText());
    long bySampleLimit =
        Long.parseLong(
            skipping.findElement(By.cssSelector(".skipped-sample")).getText().replace(",", ""));
    assertEquals(
        NEW_PER_SCRAPE + 1 - SAMPLE_LIMIT,
        bySampleLimit,
        "the last scrape kept the first sample_limit samples and skipped the rest");
    assertTrue(
        Long.parseLong(visible(".skipped-series-limit").getText().replace(",", "")) > 0,
        "samples skipped by the global limit are counted");
    assertEquals("0", visible(".more-series").getText(), "no series fit under a full limit");
    visible(".limit-history canvas");
    shot("limits");
  }

  /** A second server under --web.route-prefix: pages, assets and API all below the prefix. */
  @Test
  @Order(11)
  void worksUnderARoutePrefix() throws Exception {
    Path other = Files.createTempDirectory("cardinal-ui-prefix");
    try (ServerHarness prefixed =
        ServerHarness.start(
            other,
            "global:\n  scrape_interval: 1h\n",
            o -> o.withRoutePrefix("/cardinal/").withInMemory(true))) {
      assertEquals(404, prefixed.get("/query").status(), "nothing outside the prefix");
      assertEquals(404, prefixed.get("/api/v1/query?query=1").status());
      assertEquals(200, prefixed.get("/cardinal/api/v1/query?query=1").status());
      assertEquals(200, prefixed.get("/cardinal/-/ready").status());
      driver.get(prefixed.url() + "/cardinal/");
      wait.until(ExpectedConditions.urlContains("/cardinal/query"));
      WebElement area = visible("textarea.expr");
      area.sendKeys("vector(42)");
      area.sendKeys(Keys.ENTER);
      waitText("table.result tbody", "42");
      assertEquals(
          "/cardinal/query", URI.create(driver.getCurrentUrl()).getPath(), "stays under it");
    }
  }
}
