package org.egotune.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class BackendTest {
  @Test
  void explicitChoiceWinsThenOneDnnThenNone() {
    assertEquals("", Backend.chooseExtension("", true), "an explicit empty choice means the plain build");
    assertEquals("-onednn", Backend.chooseExtension(null, true));
    assertNull(Backend.chooseExtension(null, false));
  }

  @Test
  void theCpuBuildShipsTheOneDnnVariantAndLoadsIt() {
    assertTrue(Backend.oneDnnPresent(), "the default build depends on nd4j-native's -onednn classifier");
    Backend.configure();
    assertEquals("-onednn", System.getProperty(Backend.EXTENSION_PROPERTY));
    assertEquals(6.0, Nd4j.create(new float[] {1, 2, 3}).sumNumber().doubleValue(), 1e-9);
    assertTrue(Nd4j.getBackend().getClass().getSimpleName().contains("Cpu"), Nd4j.getBackend().toString());
  }
}
