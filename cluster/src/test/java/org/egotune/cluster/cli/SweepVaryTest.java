package org.egotune.cluster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code sweep --vary SOURCE=S,...}: the varied source and its shares, and clear errors. */
class SweepVaryTest {

  @Test
  void parsesTheSourceAndItsShares() {
    SweepCommand.Vary v = SweepCommand.Vary.parse("visor-nvos=0,0.1, 0.2,0.4");
    assertEquals("visor-nvos", v.source());
    assertEquals(List.of(0.0, 0.1, 0.2, 0.4), v.shares());
  }

  @Test
  void malformedValuesNameWhatWasExpected() {
    for (String bad : List.of("visor-nvos", "=0.1", "visor-nvos=")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepCommand.Vary.parse(bad));
      assertTrue(e.getMessage().contains("expected SOURCE=S[,S...]"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SweepCommand.Vary.parse("visor-nvos=0,x"));
    assertTrue(e.getMessage().contains("'x' is not a number"), e.getMessage());
  }

  @Test
  void varyWithSharesIsRefusedWithExitCode2() {
    assertEquals(2, EgoTuneCli.execute("sweep", "--vary", "ref-youtube-vos=0,0.5", "--shares", "0.2",
        "--out", "/tmp/egotune-sweep-vary-test-never-written"));
  }
}
