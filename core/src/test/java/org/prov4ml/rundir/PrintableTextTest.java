package org.prov4ml.rundir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class PrintableTextTest {

  @Test
  void escapesLineBreaksNulTerminalEscapesAndBidirectionalControls() {
    assertEquals("a\\nb\\r\\tc", PrintableText.of("a\nb\r\tc"));
    assertEquals("nul\\u0000 esc\\u001b[31m del\\u007f c1\\u0085", PrintableText.of("nul\0 esc\u001b[31m del\u007f c1\u0085"));
    assertEquals("ls\\u2028ps\\u2029 rlo\\u202e lri\\u2066", PrintableText.of("ls\u2028ps\u2029 rlo\u202e lri\u2066"));
  }

  @Test
  void leavesEverythingElseAsItIs() {
    String text = "loss/VALIDATION=0.25 é 漢字 \\n (a backslash and an n) 🙂";
    assertSame(text, PrintableText.of(text));
    assertEquals("null", PrintableText.of(null));
  }
}
