package org.egotune.mixer.synth;

/**
 * What {@link SyntheticDatasets#generate} wrote.
 *
 * @param videos videos (meta entries) written
 * @param objects target objects over all videos
 * @param expressions referring expressions (one per object; ref-davis four per object, mevis
 *     one per object plus the two-object ones)
 * @param frames frame images written
 */
public record SynthSummary(int videos, int objects, int expressions, int frames) {
  public SynthSummary {
    if (videos < 0 || objects < 0 || expressions < 0 || frames < 0) {
      throw new IllegalArgumentException(
          "counts must be >= 0, found videos=" + videos + " objects=" + objects + " expressions="
              + expressions + " frames=" + frames);
    }
  }
}
