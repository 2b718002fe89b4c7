package org.egotune.mixer.mix;

import org.egotune.mixer.seed.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global sample order of a weighted mixture of sources: exact ratios in every prefix,
 * deterministic in (sources, weights, seed), independent of the number of workers.
 *
 * <p><b>Which source.</b> At position p (0-based) the source s with the largest deficit
 * {@code weight_s * (p + 1) - taken_s} is drawn (ties: the lowest index; weight-0 sources never),
 * Megatron-LM's blended-dataset rule. After n positions every source's count is within 1 of
 * {@code weight_s * n}. Java's double arithmetic is IEEE-exact on every platform, so ties resolve
 * identically everywhere.
 *
 * <p><b>Which sample.</b> The k-th draw (0-based) from source s is
 * {@code perm(s, k / size_s)[k % size_s]}: each source is reshuffled every epoch and repeats when it
 * runs out. {@code perm(s, e)} is a Fisher–Yates shuffle of {@code 0..size_s-1} (for i from size-1
 * down to 1, swap i with {@code nextInt(i + 1)}) driven by {@code new SplittableRandom(streamSeed)},
 * where {@code streamSeed = splitmix(splitmix(splitmix(seed ^ SHUFFLE_TAG) ^ s) ^ e)} and splitmix is the
 * SplitMix64 output function (add the golden gamma 0x9E3779B97F4A7C15, then Stafford's variant-13
 * finalizer), so every (source, epoch) has its own named stream split from the job seed.
 * Note that s is the source's index, so the source list's order is part of the mixture's identity.
 *
 * <p><b>Cost.</b> The mixer keeps a cursor (the counts at one position). Reading forward from the
 * cursor costs O(sources) per position plus O(size_s) once per source epoch to build its
 * permutation (amortised O(1) per draw); reading before the cursor replays from the start (or from
 * the state given to {@link #resume}), O(p * sources). Memory is one int permutation per source.
 * Instances are not thread-safe (the cursor is mutable); use one per thread.
 */
public final class RatioMixer {

  /** Tolerance on the sum of the weights. */
  public static final double WEIGHT_SUM_TOLERANCE = 1e-9;

  /** Domain tag separating the shuffle streams from other streams split from the same job seed. */
  static final long SHUFFLE_TAG = 0x5348_5546_464C_4531L; // "SHUFFLE1"

  private static final Logger LOG = LoggerFactory.getLogger(RatioMixer.class);

  private final List<MixSource> sources;
  private final long seed;
  /** Weights divided by their sum, so that float drift in a user's 0.7/0.2/0.1 cannot accumulate. */
  private final double[] weights;
  private final int[] sizes;
  /** The state replays restart from: position 0, or the state given to resume. */
  private final MixerState base;

  // Cursor: taken[s] = draws from s over positions [0, pos).
  private long pos;
  private final long[] taken;
  // Per source, the permutation of epoch permEpoch[s] (-1 = none built yet).
  private final int[][] perms;
  private final long[] permEpoch;

  /**
   * A mixer over {@code sources} (in this order) with shuffle seed {@code seed}.
   *
   * @throws IllegalArgumentException if the weights do not sum to 1 within {@value
   *     #WEIGHT_SUM_TOLERANCE}, names repeat, or a size exceeds {@code Integer.MAX_VALUE}
   */
  public RatioMixer(List<MixSource> sources, long seed) {
    this(sources, seed, null);
  }

  private RatioMixer(List<MixSource> sources, long seed, MixerState start) {
    Objects.requireNonNull(sources, "sources");
    this.sources = List.copyOf(sources);
    if (this.sources.isEmpty()) {
      throw new IllegalArgumentException("sources must not be empty");
    }
    this.seed = seed;
    int n = this.sources.size();
    double sum = 0;
    Set<String> names = new HashSet<>();
    this.sizes = new int[n];
    for (int s = 0; s < n; s++) {
      MixSource src = this.sources.get(s);
      if (!names.add(src.name())) {
        throw new IllegalArgumentException("source name " + src.name() + " appears twice");
      }
      if (src.size() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "source " + src.name() + ": size " + src.size() + " exceeds the largest permutable "
                + "size " + Integer.MAX_VALUE);
      }
      sizes[s] = (int) src.size();
      sum += src.weight();
    }
    if (Math.abs(sum - 1.0) > WEIGHT_SUM_TOLERANCE) {
      StringBuilder w = new StringBuilder();
      for (MixSource src : this.sources) {
        w.append(w.length() == 0 ? "" : ", ").append(src.name()).append('=').append(src.weight());
      }
      throw new IllegalArgumentException(
          "weights must sum to 1 (within " + WEIGHT_SUM_TOLERANCE + "): {" + w + "} sum to " + sum);
    }
    this.weights = new double[n];
    for (int s = 0; s < n; s++) {
      weights[s] = this.sources.get(s).weight() / sum;
    }
    this.taken = new long[n];
    this.perms = new int[n][];
    this.permEpoch = new long[n];
    Arrays.fill(permEpoch, -1);
    if (start == null) {
      start = new MixerState(0, Collections.nCopies(n, 0L));
    } else {
      checkBelongs(start);
    }
    this.base = start;
    reset();
    LOG.debug(
        "ratio mixer over {} with seed {} starting at position {}",
        this.sources,
        seed,
        start.position());
  }

  /**
   * A mixer that continues from a checkpointed state in O(sources): {@code resume(src, seed,
   * m.stateAt(p)).range(p, n)} equals {@code m.range(p, n)}.
   *
   * @throws IllegalArgumentException if the state has the wrong number of sources, counts a
   *     weight-0 source, or is more than 1 away from the weights' exact shares (a state from
   *     another mixture)
   */
  public static RatioMixer resume(List<MixSource> sources, long seed, MixerState state) {
    Objects.requireNonNull(state, "state");
    return new RatioMixer(sources, seed, state);
  }

  private void checkBelongs(MixerState st) {
    if (st.taken().size() != sources.size()) {
      throw new IllegalArgumentException(
          "state has " + st.taken().size() + " source counts, the mixer has " + sources.size()
              + " sources");
    }
    for (int s = 0; s < sources.size(); s++) {
      long t = st.taken().get(s);
      double exact = weights[s] * st.position();
      if ((weights[s] == 0 && t != 0) || Math.abs(t - exact) > 1 + 1e-6) {
        throw new IllegalArgumentException(
            "state " + st + " does not belong to this mixture: source " + sources.get(s).name()
                + " (weight " + sources.get(s).weight() + ") has taken " + t + " at position "
                + st.position() + ", its exact share is " + exact);
      }
    }
  }

  /** The sources, in the order their indices refer to. */
  public List<MixSource> sources() {
    return sources;
  }

  /** The shuffle seed. */
  public long seed() {
    return seed;
  }

  /** The entry at {@code position}. */
  public MixEntry entryAt(long position) {
    seek(position);
    return next();
  }

  /** The {@code count} entries at positions {@code from .. from + count - 1}. */
  public List<MixEntry> range(long from, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, found " + count);
    }
    seek(from);
    List<MixEntry> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(next());
    }
    return out;
  }

  /** The state before {@code position} is drawn: what a checkpoint taken there stores. */
  public MixerState stateAt(long position) {
    seek(position);
    List<Long> t = new ArrayList<>(taken.length);
    for (long x : taken) {
      t.add(x);
    }
    return new MixerState(pos, t);
  }

  /** How many of the positions {@code [0, position)} each source got, by name in source order. */
  public Map<String, Long> countsUpTo(long position) {
    MixerState st = stateAt(position);
    Map<String, Long> out = new LinkedHashMap<>();
    for (int s = 0; s < sources.size(); s++) {
      out.put(sources.get(s).name(), st.taken().get(s));
    }
    return out;
  }

  /**
   * The global positions worker {@code worker} of {@code workers} reads at step {@code step} of a
   * run that started at position 0: step t covers {@code [t*W*B, (t+1)*W*B)} and worker w the
   * contiguous slice starting at {@code t*W*B + w*B}. The order itself never depends on W; a run
   * resumed on another W continues from the position it stopped at ({@link #workerStart}).
   *
   * @return the {@code perWorkerBatch} positions, ascending
   */
  public static long[] workerPositions(long step, int worker, int workers, int perWorkerBatch) {
    long start = workerStart(0, step, worker, workers, perWorkerBatch);
    long[] out = new long[perWorkerBatch];
    for (int i = 0; i < perWorkerBatch; i++) {
      out[i] = start + i;
    }
    return out;
  }

  /**
   * The first global position worker {@code worker} of {@code workers} reads at step {@code step}
   * counted from position {@code from}: {@code from + (step*W + worker)*B}. Every position from
   * {@code from} on is read by exactly one (step, worker), whatever W is.
   */
  public static long workerStart(long from, long step, int worker, int workers, int perWorkerBatch) {
    if (from < 0) {
      throw new IllegalArgumentException("from must be >= 0, found " + from);
    }
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, found " + step);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, found " + workers);
    }
    if (worker < 0 || worker >= workers) {
      throw new IllegalArgumentException(
          "worker must be in [0, " + workers + "), found " + worker);
    }
    if (perWorkerBatch < 1) {
      throw new IllegalArgumentException("perWorkerBatch must be >= 1, found " + perWorkerBatch);
    }
    long start = Math.addExact(from, Math.multiplyExact(
        Math.addExact(Math.multiplyExact(step, (long) workers), worker), (long) perWorkerBatch));
    Math.addExact(start, perWorkerBatch); // the last position must not overflow either
    return start;
  }

  /** The entries of {@link #workerPositions}: this worker's share of global step {@code step}. */
  public List<MixEntry> workerBatch(long step, int worker, int workers, int perWorkerBatch) {
    long[] p = workerPositions(step, worker, workers, perWorkerBatch);
    return range(p[0], perWorkerBatch);
  }

  // --- cursor ---

  private void reset() {
    pos = base.position();
    for (int s = 0; s < taken.length; s++) {
      taken[s] = base.taken().get(s);
    }
  }

  private void seek(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("position must be >= 0, found " + position);
    }
    if (position < pos) {
      if (position < base.position()) {
        // Before a resumed state we cannot replay from it: start a fresh order from 0.
        base0();
      } else {
        reset();
      }
    }
    while (pos < position) {
      taken[pick()]++;
      pos++;
    }
  }

  /** Replays from position 0 (only needed when reading before a resumed state). */
  private void base0() {
    pos = 0;
    Arrays.fill(taken, 0);
  }

  /** The source drawn at the cursor position: largest deficit, lowest index on ties. */
  private int pick() {
    double p1 = (double) (pos + 1);
    int best = -1;
    double bestDeficit = 0;
    for (int s = 0; s < weights.length; s++) {
      if (weights[s] == 0) {
        continue; // never drawn, whatever float drift does to the other deficits
      }
      double d = weights[s] * p1 - taken[s];
      if (best < 0 || d > bestDeficit) {
        best = s;
        bestDeficit = d;
      }
    }
    return best;
  }

  private MixEntry next() {
    int s = pick();
    long k = taken[s];
    long epoch = k / sizes[s];
    int index = permutation(s, epoch)[(int) (k % sizes[s])];
    MixEntry e = new MixEntry(pos, s, epoch, index);
    taken[s]++;
    pos++;
    return e;
  }

  private int[] permutation(int s, long epoch) {
    if (permEpoch[s] != epoch) {
      perms[s] = shuffle(sizes[s], streamSeed(seed, s, epoch));
      permEpoch[s] = epoch;
    }
    return perms[s];
  }

  /** Fisher–Yates shuffle of {@code 0..n-1}. */
  static int[] shuffle(int n, long streamSeed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(streamSeed);
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The seed of the shuffle stream of (source, epoch); see the class comment. */
  static long streamSeed(long seed, int source, long epoch) {
    return Seeds.splitmix(Seeds.splitmix(Seeds.splitmix(seed ^ SHUFFLE_TAG) ^ source) ^ epoch);
  }

}
