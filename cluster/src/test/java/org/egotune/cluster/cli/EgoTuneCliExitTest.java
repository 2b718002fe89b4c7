package org.egotune.cluster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How main ends: System.exit with the code, except inside a YARN application master. */
class EgoTuneCliExitTest {

  @Test
  void outsideYarnTheProcessExitsWithTheCode() {
    List<Integer> exits = new ArrayList<>();
    EgoTuneCli.finish(0, null, exits::add);
    EgoTuneCli.finish(2, null, exits::add);
    assertEquals(List.of(0, 2), exits);
  }

  @Test
  void insideAYarnApplicationMasterSuccessReturnsAndFailureThrows() {
    List<Integer> exits = new ArrayList<>();
    EgoTuneCli.finish(0, "application_1_0001", exits::add);
    assertEquals(List.of(), exits, "System.exit(0) would make YARN record the application as FAILED");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> EgoTuneCli.finish(2, "application_1_0001", exits::add));
    assertTrue(e.getMessage().contains("exit code 2") && e.getMessage().contains("application_1_0001"), e.getMessage());
    assertEquals(List.of(), exits);
  }

  @Test
  void launcherOnlyCommandsSayWhereTheyRunAndExitWith2() {
    assertEquals(2, EgoTuneCli.execute("spark-home", "/tmp/never-written"));
    assertEquals(2, EgoTuneCli.execute("bench", "step"));
  }
}
