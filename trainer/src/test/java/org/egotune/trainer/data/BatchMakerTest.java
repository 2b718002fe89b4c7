package org.egotune.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.model.ModelConfig;
import org.junit.jupiter.api.Test;

class BatchMakerTest {
  static ClipRecord clip(boolean... present) {
    List<String> names = new ArrayList<>();
    List<Rle> masks = new ArrayList<>();
    boolean[] px = new boolean[64];
    px[10] = true;
    for (int i = 0; i < present.length; i++) {
      names.add(String.format("%05d", i));
      masks.add(present[i] ? Rle.encode(new Mask(8, 8, px)) : null);
    }
    return new ClipRecord("s", "v", "0", "the red square", List.of("1"), names, names, masks,
        Set.copyOf(names), 8, 8);
  }

  @Test
  void egocentricClipsMixPresentAndAbsentFrames() {
    BatchMaker bm = new BatchMaker(ModelConfig.defaults(), 5, 1);
    ClipRecord r = clip(false, false, true, true, false, false, false, true, false, false);
    Set<Integer> presentCounts = new HashSet<>();
    for (long seed = 0; seed < 300; seed++) {
      List<Integer> f = bm.pickFrames(r, new SplittableRandom(seed));
      assertEquals(5, f.size());
      assertEquals(5, new HashSet<>(f).size(), "distinct frames " + f);
      assertEquals(f.stream().sorted().toList(), f, "temporal order");
      long p = f.stream().filter(i -> r.masks().get(i) != null).count();
      assertTrue(p >= 1 && p <= 3, "1..min(4, T-1, present) present frames, got " + p + " in " + f);
      presentCounts.add((int) p);
    }
    assertEquals(Set.of(1, 2, 3), presentCounts, "every allowed count occurs");
  }

  @Test
  void alwaysPresentClipsAreSampledUniformlyAndDeterministically() {
    BatchMaker bm = new BatchMaker(ModelConfig.defaults(), 4, 1);
    ClipRecord r = clip(true, true, true, true, true, true, true, true);
    List<Integer> a = bm.pickFrames(r, new SplittableRandom(42));
    assertEquals(a, bm.pickFrames(r, new SplittableRandom(42)));
    assertEquals(4, new HashSet<>(a).size());
    Set<Integer> seen = new HashSet<>();
    for (long s = 0; s < 200; s++) {
      seen.addAll(bm.pickFrames(r, new SplittableRandom(s)));
    }
    assertEquals(8, seen.size(), "every frame can be drawn");
  }

  @Test
  void tooFewAbsentFramesAreFilledWithPresentOnes() {
    BatchMaker bm = new BatchMaker(ModelConfig.defaults(), 5, 1);
    ClipRecord r = clip(true, true, true, true, true, false);
    for (long seed = 0; seed < 50; seed++) {
      List<Integer> f = bm.pickFrames(r, new SplittableRandom(seed));
      assertEquals(5, new HashSet<>(f).size(), f.toString());
      assertTrue(f.contains(5), "the only absent frame is used: " + f);
    }
  }
}
