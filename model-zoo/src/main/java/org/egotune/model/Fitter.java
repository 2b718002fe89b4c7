package org.egotune.model;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.config.SDValueType;
import org.nd4j.autodiff.samediff.internal.TrainingSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * SameDiff's {@code fit(MultiDataSet)}, one training iteration, on a training session that lives
 * as long as this object instead of one built per call.
 *
 * <p>Why: {@code fit(MultiDataSet)} builds a new training session, with a new array cache, for
 * every call, so each step allocates every activation and gradient anew (1,666 arrays, 6.25 GB at
 * full decoder size, batch 5), ND4J zero-fills each, the kernel zero-fills the fresh pages first,
 * and the old arrays are freed only when the Java GC finds them, in bursts that stall a step 3x
 * (docs/benchmarks.md, "SAM2 decoder"). Here one session, with a {@link ReusingMemMgr}, lives
 * across steps, and the arrays it still holds after an iteration go back to the cache.
 *
 * <p>An iteration does exactly what {@code fit} does for one minibatch: the same placeholders from
 * the training config's mappings, the same trainable set (every {@code VARIABLE}), the graph's own
 * updater map (so updaters installed on the graph, e.g. capturing ones, are used), the graph's
 * loss variables and TRAINING listeners, then the iteration count is incremented. Results are
 * bit-identical to {@code fit} (a test checks it). Not thread-safe: one per graph and thread.
 */
public final class Fitter {
  private final SameDiff sd;
  private final TrainingSession session;
  private final ReusingMemMgr memory;
  private final Set<String> trainable = new LinkedHashSet<>();
  private boolean validated;

  /**
   * @param sd a graph whose training config is set; its gradient function is built here if it
   *     does not exist yet (quietly, see {@link GradientGraph})
   */
  public Fitter(SameDiff sd) {
    if (sd.getTrainingConfig() == null) {
      throw new IllegalStateException("the graph has no training config: call setTrainingConfig first");
    }
    this.sd = sd;
    SameDiff grad = sd.getFunction("grad");
    if (grad == null) {
      GradientGraph.createQuietly(sd);
      grad = sd.getFunction("grad");
    }
    grad.setTrainingConfig(sd.getTrainingConfig());
    if (sd.getUpdaterMap() == null) {
      initializeUpdaters(sd);
    }
    this.session = new TrainingSession(grad);
    this.memory = new ReusingMemMgr();
    session.setMmgr(memory);
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == VariableType.VARIABLE) {
        trainable.add(v.name());
      }
    }
  }

  /** One training iteration on {@code ds}, as {@code sd.fit(ds)} would run it. */
  public void fit(MultiDataSet ds) {
    TrainingConfig tc = sd.getTrainingConfig();
    if (!validated) {
      check(tc.getDataSetFeatureMapping().size(), ds.numFeatureArrays(), "feature");
      List<String> labels = tc.getDataSetLabelMapping();
      check(labels == null ? 0 : labels.size(), ds.numLabelsArrays(), "label");
      validated = true;
    }
    Map<String, INDArray> placeholders = new HashMap<>();
    int i = 0;
    for (String s : tc.getDataSetFeatureMapping()) {
      placeholders.put(s, ds.getFeatures(i++));
    }
    if (tc.getDataSetLabelMapping() != null) {
      i = 0;
      for (String s : tc.getDataSetLabelMapping()) {
        placeholders.put(s, ds.getLabels(i++));
      }
    }
    List<Listener> listeners = new ArrayList<>();
    for (Listener l : sd.getListeners()) {
      if (l.isActive(Operation.TRAINING)) {
        listeners.add(l);
      }
    }
    At at = At.builder()
        .epoch(tc.getEpochCount())
        .iteration(tc.getIterationCount())
        .trainingThreadNum(0)
        .javaThreadNum(Thread.currentThread().getId())
        .operation(Operation.TRAINING)
        .build();
    session.trainingIteration(tc, placeholders, trainable, sd.getUpdaterMap(), ds,
        sd.getLossVariables(), listeners, at);
    tc.incrementIterationCount();
    // The session keeps each op's output until its next run clears them, without releasing the
    // ones still held at the end (activations kept for the backward pass among them): hand those
    // back, so that the next iteration takes them from the cache instead of new memory.
    for (SDValue v : session.getNodeValueOutputs().values()) {
      if (v != null && v.getSdValueType() == SDValueType.TENSOR && v.getTensorValue() != null) {
        memory.release(v.getTensorValue());
      }
    }
  }

  /**
   * Creates {@code sd}'s updaters and their state (zeros) now, through the protected method its
   * first {@code fit} would call: a worker must be able to receive the driver's optimizer state,
   * and capturing updaters must be installed, before the first step.
   */
  public static void initializeUpdaters(SameDiff sd) {
    try {
      Method m = SameDiff.class.getDeclaredMethod("initializeTraining");
      m.setAccessible(true);
      m.invoke(sd);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalStateException("this ND4J version lacks SameDiff.initializeTraining()", e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("initialising the optimizer failed", e.getCause());
    }
  }

  private static void check(int mapped, int given, String kind) {
    if (mapped != given) {
      throw new IllegalArgumentException("the training config maps " + mapped + " " + kind
          + " arrays but the batch has " + given);
    }
  }

  /** How many of the session's array requests were served from its cache, for benchmarks' logs. */
  public String memoryStats() {
    return memory.stats();
  }
}
