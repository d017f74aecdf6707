package io.cardinal.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UiAssetsTest {
  private final UiAssets ui = new UiAssets("Ops <prod> & \"eu\"");

  @Test
  void everyPageIsTheShellWithTheEscapedTitle() {
    for (String page : UiAssets.PAGES) {
      UiAssets.Asset a = ui.find(page);
      assertNotNull(a, page);
      assertEquals("text/html; charset=utf-8", a.contentType());
      String html = new String(a.body(), StandardCharsets.UTF_8);
      assertTrue(
          html.contains("<title>Ops &lt;prod&gt; &amp; &quot;eu&quot;</title>"), "title: " + html);
      assertTrue(html.contains("src=\"assets/app.js\""), "relative asset URLs");
    }
    assertNull(ui.find("/"), "the root redirects; it is not a page");
    assertNull(ui.find("/query/"));
  }

  @Test
  void everyScriptTheShellLoadsIsServed() {
    String html = new String(ui.find("/query").body(), StandardCharsets.UTF_8);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?:src|href)=\"(assets/[^\"]+)\"").matcher(html);
    int n = 0;
    while (m.find()) {
      UiAssets.Asset a = ui.find("/" + m.group(1));
      assertNotNull(a, m.group(1));
      assertTrue(a.body().length > 100, m.group(1));
      assertEquals(
          m.group(1).endsWith(".css")
              ? "text/css; charset=utf-8"
              : "text/javascript; charset=utf-8",
          a.contentType(),
          m.group(1));
      n++;
    }
    assertEquals(8, n, "uPlot's script and styles, our styles and our five scripts");
  }

  @Test
  void uplotComesFromItsWebJar() {
    assertNotNull(UiAssets.uplotVersion());
    String js =
        new String(ui.find("/assets/uplot/uPlot.iife.min.js").body(), StandardCharsets.UTF_8);
    assertTrue(js.contains("uPlot"), "the library itself");
  }

  @Test
  void nothingOutsideTheAssetsIsServed() {
    assertNull(ui.find("/assets/../UiAssets.class"));
    assertNull(ui.find("/assets//etc/passwd"));
    assertNull(ui.find("/assets/uplot/../../../../io/cardinal/ui/UiAssets.class"));
    assertNull(ui.find("/assets/nope.js"));
    assertNull(ui.find("/assets/nope.js"), "a miss is remembered as a miss");
    assertNull(ui.find("/io/cardinal/ui/app.js"));
  }
}
