package org.egotune.trainer.loop;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.data.Batch;
import org.egotune.trainer.loss.SegLoss;
import org.egotune.trainer.optim.WarmupCosineSchedule;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The one training loop every caller shares (the local run, each Spark task, each sweep point):
 * a model with the recipe's loss attached and AdamW, stepped one batch at a time. Its whole state
 * is the flat parameter vector, the flat optimizer state and the iteration count, which is what
 * parameter averaging and checkpoints move around. Not thread-safe: one instance per thread.
 */
public final class LocalTrainer {
  private final SegModel model;
  private final TrainConfig config;

  public LocalTrainer(ModelConfig modelConfig, TrainConfig config) {
    this.model = SegModel.build(modelConfig);
    this.config = config;
    SegLoss.attach(model, config);
    TrainingConfig tc = TrainingConfig.builder()
        .updater(adamW(config))
        // applyLR=true makes the decay decoupled and scaled by the learning rate: AdamW.
        .weightDecay(config.weightDecay(), true)
        .dataSetFeatureMapping(model.inputNames())
        .dataSetLabelMapping(SegLoss.MASK_LABEL, SegLoss.PRESENCE_LABEL)
        .build();
    model.sameDiff().setTrainingConfig(tc);
    initializeOptimizerState(model.sameDiff());
    createGradientGraphQuietly(model.sameDiff());
  }

  private static Adam adamW(TrainConfig c) {
    Adam adam = new Adam(new WarmupCosineSchedule(
        c.learningRate(), Math.min(c.warmupSteps(), c.steps()), c.steps(), c.finalLrRatio()));
    adam.setBeta1(c.beta1());
    adam.setBeta2(c.beta2());
    adam.setEpsilon(1e-8);
    return adam;
  }

  public SegModel model() {
    return model;
  }

  public TrainConfig config() {
    return config;
  }

  /**
   * One optimizer step on {@code batch}. (It reports no loss: in ND4J M2.1 the backward pass never
   * evaluates the loss op, and the loss a listener receives is only the regularisation score; use
   * {@link #loss} when the value is wanted, at the cost of one forward pass.)
   */
  public void step(Batch batch) {
    MultiDataSet mds = new MultiDataSet(
        inputsInOrder(batch), new INDArray[] {batch.mask(), batch.presence()});
    model.sameDiff().fit(mds);
  }

  private static final Object STDOUT_LOCK = new Object();

  /**
   * ND4J 1.0.0-M2.1 prints "Added differentiated op ..." with System.out for every op while it builds
   * the gradient graph (no logger to silence). We build that graph here, once, with System.out
   * pointed at nothing; the swap is brief and serialised across trainers in this JVM.
   */
  private static void createGradientGraphQuietly(SameDiff sd) {
    synchronized (STDOUT_LOCK) {
      java.io.PrintStream out = System.out;
      System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      try {
        sd.createGradFunction();
      } finally {
        System.setOut(out);
      }
    }
  }

  /** The loss on {@code batch} without training. */
  public double loss(Batch batch) {
    inputsInOrder(batch);
    java.util.Map<String, INDArray> feed = new java.util.HashMap<>(batch.inputs());
    feed.put(SegLoss.MASK_LABEL, batch.mask());
    feed.put(SegLoss.PRESENCE_LABEL, batch.presence());
    return model.sameDiff().output(feed, SegLoss.LOSS).get(SegLoss.LOSS).getDouble(0);
  }

  /** The batch's inputs in the model's input order; a batch made for another preset is refused. */
  private INDArray[] inputsInOrder(Batch batch) {
    if (!batch.inputs().keySet().equals(model.inputs().keySet())) {
      throw new IllegalArgumentException("batch has inputs " + batch.inputs().keySet() + ", model "
          + model.config().preset() + " takes " + model.inputs().keySet());
    }
    return model.inputNames().stream().map(batch.inputs()::get).toArray(INDArray[]::new);
  }

  public float[] params() {
    return model.params().flatten(model.sameDiff());
  }

  public void setParams(float[] flat) {
    model.params().assign(model.sameDiff(), flat);
  }

  public float[] optimizerState() {
    return model.params().flattenUpdaterState(model.sameDiff());
  }

  public void setOptimizerState(float[] flat) {
    model.params().assignUpdaterState(model.sameDiff(), flat);
  }

  /** Optimizer steps taken so far (drives Adam's bias correction). */
  public int iteration() {
    return model.sameDiff().getTrainingConfig().getIterationCount();
  }

  public void setIteration(int iteration) {
    model.sameDiff().getTrainingConfig().setIterationCount(iteration);
  }

  /**
   * SameDiff creates the optimizer state lazily in its first {@code fit}. A worker must be able to
   * receive the driver's state before its first step, so we create it now through the same
   * (protected) method {@code fit} uses: the state starts at zero either way.
   */
  private static void initializeOptimizerState(SameDiff sd) {
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
}
