package org.egotune.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.shade.jackson.databind.ObjectMapper;

class WarmupCosineScheduleTest {
  private final WarmupCosineSchedule s = new WarmupCosineSchedule(1e-3, 10, 110, 0.1);

  @Test
  void warmupIsLinearFromTheFirstStep() {
    assertEquals(1e-4, s.valueAt(0, 0), 1e-15, "step 1 of 10 warm-up steps");
    assertEquals(5e-4, s.valueAt(4, 0), 1e-15);
    assertEquals(1e-3, s.valueAt(9, 0), 1e-15, "peak at the end of warm-up");
  }

  @Test
  void cosineDecaysToTheFinalRatio() {
    // Half way through the decay (step 60 of 10..110) the cosine factor is 0.5.
    assertEquals(1e-3 * (0.1 + 0.9 * 0.5), s.valueAt(59, 0), 1e-15);
    assertEquals(1e-4, s.valueAt(109, 0), 1e-15, "last step at lr * finalRatio");
    assertEquals(1e-4, s.valueAt(500, 0), 1e-15, "flat after the end");
    for (int i = 10; i < 110; i++) {
      assertTrue(s.valueAt(i, 0) <= s.valueAt(i - 1, 0), "monotone after warm-up at " + i);
    }
  }

  @Test
  void noWarmupAndConstant() {
    WarmupCosineSchedule constant = new WarmupCosineSchedule(2e-3, 0, 50, 1.0);
    assertEquals(2e-3, constant.valueAt(0, 0), 0);
    assertEquals(2e-3, constant.valueAt(49, 0), 0);
  }

  @Test
  void survivesNd4jJsonSerialisation() throws Exception {
    Adam adam = new Adam(s);
    ObjectMapper om = org.nd4j.serde.json.JsonMappers.getMapper();
    IUpdater back = om.readValue(om.writeValueAsString(adam), IUpdater.class);
    assertEquals(s, ((Adam) back).getLearningRateSchedule());
  }

  @Test
  void rejectsBadValues() {
    assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(1e-3, 20, 10, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(0, 0, 10, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(1e-3, 0, 10, 1.5));
  }
}
