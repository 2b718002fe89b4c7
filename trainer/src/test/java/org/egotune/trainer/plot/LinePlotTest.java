package org.egotune.trainer.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LinePlotTest {
  private static int count(BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF)) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void rendersTheRequestedSizeWithEachSeriesInItsColour() throws Exception {
    var layout = new LinePlot.Layout(640, 400, "loss", "step", "loss", null, null);
    BufferedImage img = LinePlot.render(layout, List.of(
        LinePlot.Series.line("a", new double[] {0, 10, 20}, new double[] {1.0, 0.6, 0.4}),
        LinePlot.Series.line("b", new double[] {0, 10, 20}, new double[] {0.2, 0.3, Double.NaN})));
    assertEquals(640, img.getWidth());
    assertEquals(400, img.getHeight());
    assertTrue(count(img, LinePlot.colour(0).getRGB()) > 50, "series a is drawn in colour 0");
    assertTrue(count(img, LinePlot.colour(1).getRGB()) > 30, "series b is drawn in colour 1");
    assertEquals(0, count(img, LinePlot.colour(2).getRGB()), "no third series");
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(LinePlot.png(img)));
    assertEquals(640, back.getWidth());
  }

  @Test
  void singlePointAndEmptySeriesStillRender() {
    var layout = new LinePlot.Layout("t", "x", "y");
    assertEquals(900, LinePlot.render(layout,
        List.of(LinePlot.Series.line("one", new double[] {5}, new double[] {2}))).getWidth());
    assertEquals(560, LinePlot.render(layout, List.of()).getHeight());
  }

  @Test
  void rejectsMismatchedSeriesAndBadRanges() {
    assertThrows(IllegalArgumentException.class,
        () -> LinePlot.Series.line("s", new double[] {1, 2}, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> new LinePlot.Range(1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new LinePlot.Layout(100, 100, "t", "x", "y", null, null));
  }
}
