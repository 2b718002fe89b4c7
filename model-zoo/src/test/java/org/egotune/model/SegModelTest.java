package org.egotune.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SegModelTest {

  private static final ModelConfig SMALL = ModelConfig.builder().set(ModelConfig.IMAGE_SIZE, 16)
      .set(ModelConfig.VOCAB, 64).set(ModelConfig.CHANNELS, 8).set(ModelConfig.INIT_SEED, 3L).build();

  @Test
  void forwardHasDocumentedShapes() {
    SegModel m = SegModel.build(SMALL);
    INDArray frames = Nd4j.rand(DataType.FLOAT, 5, 3, 16, 16);
    INDArray tokens = Nd4j.zeros(DataType.FLOAT, 5, 64);
    INDArray[] out = m.predict(java.util.Map.of(SegModel.FRAMES, frames, SegModel.TOKENS, tokens));
    assertArrayEquals(new long[] {5, 1, 16, 16}, out[0].shape());
    assertArrayEquals(new long[] {5, 1}, out[1].shape());
  }

  @Test
  void initialisationIsDeterministicPerSeed() {
    float[] a = SegModel.build(SMALL).params().flatten(SegModel.build(SMALL).sameDiff());
    float[] b = SegModel.build(SMALL).params().flatten(SegModel.build(SMALL).sameDiff());
    assertArrayEquals(a, b);
    ModelConfig seed4 = SMALL.toBuilder().set(ModelConfig.INIT_SEED, 4L).build();
    float[] c = SegModel.build(seed4).params().flatten(SegModel.build(seed4).sameDiff());
    assertTrue(!java.util.Arrays.equals(a, c), "another seed must give other weights");
  }

  @Test
  void theExpressionChangesTheMask() {
    SegModel m = SegModel.build(SMALL);
    INDArray frames = Nd4j.rand(DataType.FLOAT, 1, 3, 16, 16);
    INDArray t1 = Nd4j.zeros(DataType.FLOAT, 1, 64);
    INDArray t2 = t1.dup();
    t2.putScalar(0, 5, 1f);
    INDArray a = m.predict(java.util.Map.of(SegModel.FRAMES, frames, SegModel.TOKENS, t1))[0];
    INDArray b = m.predict(java.util.Map.of(SegModel.FRAMES, frames, SegModel.TOKENS, t2))[0];
    assertTrue(a.sub(b).norm2Number().doubleValue() > 1e-6, "the [SEG] state must condition the mask");
  }

  @Test
  void flattenAssignRoundTrip() {
    SegModel m = SegModel.build(SMALL);
    float[] p = m.params().flatten(m.sameDiff());
    assertEquals(m.params().size(), p.length);
    float[] q = new float[p.length];
    for (int i = 0; i < q.length; i++) {
      q[i] = i * 1e-4f;
    }
    m.params().assign(m.sameDiff(), q);
    assertArrayEquals(q, m.params().flatten(m.sameDiff()));
    assertThrows(IllegalArgumentException.class, () -> m.params().assign(m.sameDiff(), new float[3]));
  }

  @Test
  void configValidationNamesTheField() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SMALL.toBuilder().set(ModelConfig.IMAGE_SIZE, 30).build());
    assertTrue(e.getMessage().contains("model.imageSize"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SMALL.toBuilder().set(ModelConfig.PRESET, "huge").build());
    assertTrue(e.getMessage().contains("model.preset"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SMALL.toBuilder().set(ModelConfig.CHANNELS, 12).build());
    assertTrue(e.getMessage().contains("model.channels"), e.getMessage());
  }
}
