package org.prov4ml.internal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlTemplateTest {

  @Test
  void textSlotsAreEscapedAndRawSlotsWrittenAsTheyAre() throws Exception {
    HtmlTemplate t = HtmlTemplate.resource("report.html");
    StringWriter out = new StringWriter();
    t.render(out, Map.of("title", HtmlTemplate.text("<b>&\"x'</b>"), "uplot.css", o -> o.write("/*css*/"),
        "report.css", o -> { }, "uplot.js", o -> { }, "dagre.js", o -> { }, "cytoscape.js", o -> { },
        "report.js", o -> { }, "data", o -> o.write("{\"a\":1}")));
    String html = out.toString();
    assertTrue(html.contains("<title>&lt;b&gt;&amp;&quot;x&#39;&lt;/b&gt;</title>"), html);
    assertTrue(html.contains("<style>/*css*/</style>"));
    assertTrue(html.contains("<script type=\"application/json\" id=\"report-data\">{\"a\":1}</script>"));
    assertTrue(!html.contains("{{"), "every slot filled");
  }

  @Test
  void aMissingSlotIsAnError() {
    HtmlTemplate t = HtmlTemplate.resource("report.html");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> t.render(new StringWriter(), Map.of()));
    assertTrue(e.getMessage().contains("has the slot"), e.getMessage());
  }

  @Test
  void theInlinedLibrariesCannotEndTheirElements() {
    for (String lib : new String[] {"lib/uplot/dist/uPlot.iife.min.js", "lib/dagre/dist/dagre.min.js",
        "lib/cytoscape/dist/cytoscape.min.js", "report.js"}) {
      HtmlTemplate.ReportResources.inline(lib, "script");
    }
    HtmlTemplate.ReportResources.inline("report.css", "style");
    assertThrows(IllegalStateException.class, () -> HtmlTemplate.ReportResources.inline("report.html", "script"));
    assertEquals("a&lt;/script&gt;", HtmlTemplate.escape("a</script>"));
  }
}
