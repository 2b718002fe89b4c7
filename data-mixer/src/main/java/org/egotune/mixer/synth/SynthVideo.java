package org.egotune.mixer.synth;

import java.awt.image.BufferedImage;
import java.util.List;
import org.egotune.mixer.mask.Mask;

/**
 * The scene model of one synthetic video: names on disk, camera path, background and objects;
 * renders its frames and yields the ground-truth masks the generator writes.
 */
final class SynthVideo {
  /** The video's name in the meta file. */
  final String name;
  /** The directory its frames and annotations live in (differs from name for medium bench clips). */
  final String dir;
  /** Bench split (short, medium, long); null for other layouts. */
  final String split;
  final List<String> frameNames;
  final int height;
  final int width;
  /** The world background is larger than a frame by this margin on every side (camera travel). */
  final int margin;
  final int[] camX;
  final int[] camY;
  /** World background, (height + 2 margin) x (width + 2 margin), packed RGB. */
  final int[] world;
  /** The referred objects, one expression each (and the annotated ones). */
  final List<SceneObject> objects;
  /** Drawn but never referred to nor annotated: look-alikes of the targets (egocentric only). */
  final List<SceneObject> distractors;

  SynthVideo(
      String name, String dir, String split, List<String> frameNames, int height, int width,
      int margin, int[] camX, int[] camY, int[] world, List<SceneObject> objects,
      List<SceneObject> distractors) {
    this.name = name;
    this.dir = dir;
    this.split = split;
    this.frameNames = List.copyOf(frameNames);
    this.height = height;
    this.width = width;
    this.margin = margin;
    this.camX = camX;
    this.camY = camY;
    this.world = world;
    this.objects = List.copyOf(objects);
    this.distractors = List.copyOf(distractors);
  }

  int frameCount() {
    return frameNames.size();
  }

  /** Frame {@code t}: the background seen through the camera, then every visible object. */
  BufferedImage render(int t) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int ww = width + 2 * margin;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int wx = x + margin + camX[t];
        int wy = y + margin + camY[t];
        img.setRGB(x, y, world[wy * ww + wx]);
      }
    }
    for (SceneObject o : drawn()) {
      if (!o.visible[t]) {
        continue;
      }
      int rgb = o.colour.rgb();
      for (int dy = 0; dy < o.side; dy++) {
        for (int dx = 0; dx < o.side; dx++) {
          if (o.footprint[dy * o.side + dx]) {
            img.setRGB(o.x[t] + dx, o.y[t] + dy, rgb);
          }
        }
      }
    }
    return img;
  }

  /** Everything drawn: the referred objects, then the distractors. */
  List<SceneObject> drawn() {
    List<SceneObject> all = new java.util.ArrayList<>(objects);
    all.addAll(distractors);
    return all;
  }

  /** Ground truth of object {@code obj} in frame {@code t}; null when absent. */
  Mask mask(int obj, int t) {
    return objects.get(obj).mask(t, height, width);
  }

  /** The palette-index image of frame {@code t}: 0 background, else the object's numeric id. */
  int[] paletteIndices(int t) {
    int[] idx = new int[height * width];
    for (SceneObject o : objects) {
      Mask m = o.mask(t, height, width);
      if (m == null) {
        continue;
      }
      int id = Integer.parseInt(o.objId);
      boolean[] px = m.rowMajor();
      for (int i = 0; i < px.length; i++) {
        if (px[i]) {
          idx[i] = id;
        }
      }
    }
    return idx;
  }
}
