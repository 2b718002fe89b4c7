package org.egotune.trainer.loop;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.egotune.model.Fitter;
import org.egotune.model.GradientGraph;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.model.depth.DepthLoss;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.data.Batch;
import org.egotune.mixer.seed.Seeds;
import org.egotune.trainer.loss.PointLoss;
import org.egotune.trainer.loss.PointSampler;
import org.egotune.trainer.loss.SegLoss;
import org.egotune.trainer.optim.GradientStep;
import org.egotune.trainer.optim.WarmupCosineSchedule;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The one training loop every caller shares (the local run, each Spark task, each sweep point):
 * a model with the recipe's loss attached and AdamW, stepped one batch at a time. Its whole state
 * is the flat parameter vector, the flat optimizer state and the iteration count, which is what
 * parameter averaging and checkpoints move around. Not thread-safe: one instance per thread.
 *
 * <p>A step splits its batch into {@code train.gradAccumulation} micro-batches, runs SameDiff's
 * forward and backward pass on each, and lets {@link GradientStep} average, clip and apply the
 * gradients. With a point-sampled loss each micro-batch first runs forward once more, because the
 * points are chosen from the current logits.
 *
 * <p>The depth presets get {@link DepthLoss} instead of {@link SegLoss} (its one label is the
 * batch's target, {@link Batch#mask()}); the MSE is a mean over equal micro-batches, so accumulation
 * averages to the loss of the whole batch as for the mask loss. Point sampling does not apply.
 */
public final class LocalTrainer {
  private final SegModel model;
  private final TrainConfig config;
  private final GradientStep optimizer;
  private final Fitter fitter;
  private final List<String> labels;
  private double lastGradNorm = Double.NaN;

  public LocalTrainer(ModelConfig modelConfig, TrainConfig config) {
    this.model = SegModel.build(modelConfig);
    this.config = config;
    attachLoss(model, config);
    this.labels = labels(modelConfig, config);
    // No regularisation here: GradientStep applies AdamW's decoupled decay itself.
    TrainingConfig tc = TrainingConfig.builder()
        .updater(adamW(config))
        .dataSetFeatureMapping(model.inputNames())
        .dataSetLabelMapping(labels.toArray(new String[0]))
        .build();
    model.sameDiff().setTrainingConfig(tc);
    Fitter.initializeUpdaters(model.sameDiff());
    this.optimizer = new GradientStep(
        model.sameDiff(), model.params(), config.weightDecay(), config.gradClipNorm());
    // One training session for the trainer's life: its array cache is reused from step to step.
    this.fitter = new Fitter(model.sameDiff());
  }

  /** Adds the preset's loss to {@code m}'s graph: {@link DepthLoss} for the depth presets, else {@link SegLoss}. */
  private static void attachLoss(SegModel m, TrainConfig config) {
    ModelConfig mc = m.config();
    if (mc.predictsDepth()) {
      if (config.pointSamples() != 0) {
        throw new IllegalArgumentException("train.pointSamples is " + config.pointSamples() + ", but model.preset "
            + mc.preset() + " has a dense depth loss: set it to 0");
      }
      DepthLoss.attach(m.sameDiff(), mc.depthConfig(), config.depthDeepSupervision());
      m.sameDiff().setLossVariables(DepthLoss.LOSS);
    } else {
      SegLoss.attach(m, config);
    }
  }

  /** The label placeholders the preset's loss reads, in the order the trainer feeds them. */
  private static List<String> labels(ModelConfig mc, TrainConfig config) {
    return mc.predictsDepth() ? List.of(DepthLoss.DEPTH_TARGET) : SegLoss.labels(config);
  }

  /** The name of the preset's loss variable. */
  private String lossName() {
    return model.config().predictsDepth() ? DepthLoss.LOSS : SegLoss.LOSS;
  }

  /** AdamW's Adam half (the decay is {@link GradientStep}'s), on the warm-up + cosine schedule. */
  public static Adam adamW(TrainConfig c) {
    Adam adam = new Adam(new WarmupCosineSchedule(
        c.learningRate(), Math.min(c.warmupSteps(), c.steps()), c.steps(), c.finalLrRatio()));
    adam.setBeta1(c.beta1());
    adam.setBeta2(c.beta2());
    adam.setEpsilon(1e-8);
    return adam;
  }

  /**
   * The same network and dense loss trained by SameDiff's own {@code fit} with ND4J's AdamW, none
   * of this class's step mechanics: the reference the trainer is tested and benchmarked against.
   * Feed it {@link #plainFitData}.
   */
  public static SameDiff plainFitReference(ModelConfig modelConfig, TrainConfig config) {
    if (config.pointSamples() != 0) {
      throw new IllegalArgumentException("a plain fit loop has only the dense loss: train.pointSamples"
          + " must be 0, found " + config.pointSamples());
    }
    SegModel m = SegModel.build(modelConfig);
    attachLoss(m, config);
    m.sameDiff().setTrainingConfig(TrainingConfig.builder()
        .updater(adamW(config))
        .weightDecay(config.weightDecay(), true)
        .dataSetFeatureMapping(m.inputNames())
        .dataSetLabelMapping(labels(modelConfig, config).toArray(new String[0]))
        .build());
    GradientGraph.createQuietly(m.sameDiff());
    return m.sameDiff();
  }

  /** {@code b} as {@link #plainFitReference}'s {@code fit} takes it (one micro-batch). */
  public static MultiDataSet plainFitData(ModelConfig modelConfig, Batch b) {
    INDArray[] in = SegModel.inputShapes(modelConfig).keySet().stream()
        .map(b.inputs()::get).toArray(INDArray[]::new);
    if (modelConfig.predictsDepth()) {
      return new MultiDataSet(in, new INDArray[] {b.mask()});
    }
    return new MultiDataSet(in, new INDArray[] {b.presence(),
        Nd4j.scalar(SegLoss.diceCount(b.presence().sumNumber().doubleValue(), 1)), b.mask()});
  }

  public SegModel model() {
    return model;
  }

  public TrainConfig config() {
    return config;
  }

  /** One optimizer step on {@code batch}; point draws (if any) are seeded by the iteration. */
  public void step(Batch batch) {
    step(batch, iteration());
  }

  /**
   * One optimizer step on {@code batch}, whose {@code batchSize} samples are split into {@code
   * gradAccumulation} equal micro-batches. {@code stream} seeds the loss's point draws (callers
   * pass something unique to the batch, e.g. its first global position), so a step is a pure
   * function of (state, batch, stream). It reports no loss: in ND4J M2.1 the backward pass never
   * evaluates the loss op; use {@link #loss} when the value is wanted, at the cost of one forward
   * pass.
   */
  public void step(Batch batch, long stream) {
    int k = config.gradAccumulation();
    if (batch.samples() % k != 0) {
      throw new IllegalArgumentException("batch of " + batch.samples()
          + " samples cannot be split into train.gradAccumulation=" + k + " equal micro-batches");
    }
    int iteration = iteration();
    float diceCount = SegLoss.diceCount(batch.presence().sumNumber().doubleValue(), k);
    optimizer.begin();
    for (int m = 0; m < k; m++) {
      Batch micro = k == 1 ? batch : slice(batch, m, k);
      Map<String, INDArray> ph =
          labels(micro, diceCount, Seeds.mix(config.seed(), stream, m)).placeholders();
      INDArray[] lab = new INDArray[labels.size()];
      for (int i = 0; i < lab.length; i++) {
        lab[i] = ph.get(labels.get(i));
      }
      fitter.fit(new MultiDataSet(inputsInOrder(micro), lab));
    }
    lastGradNorm = optimizer.apply(iteration, k);
    setIteration(iteration + 1);
  }

  /** Global L2 norm of the last step's averaged gradient, before clipping (NaN before a step). */
  public double lastGradNorm() {
    return lastGradNorm;
  }

  /**
   * The label placeholders of {@code micro}, and the value of the point-sampled mask terms (0 for
   * the dense loss, whose value the graph computes).
   */
  private record Labels(Map<String, INDArray> placeholders, double pointLoss) {}

  /** With point sampling this runs the network forward, to choose the points from the logits. */
  private Labels labels(Batch micro, float diceCount, long pointSeed) {
    Map<String, INDArray> ph = new HashMap<>();
    if (model.config().predictsDepth()) {
      ph.put(DepthLoss.DEPTH_TARGET, micro.mask());
      return new Labels(ph, 0);
    }
    ph.put(SegLoss.PRESENCE_LABEL, micro.presence());
    if (config.pointSamples() == 0) {
      ph.put(SegLoss.DICE_COUNT, Nd4j.scalar(diceCount));
      ph.put(SegLoss.MASK_LABEL, micro.mask());
      return new Labels(ph, 0);
    }
    int n = (int) micro.presence().size(0);
    int s = model.config().maskSize();
    int k = config.pointSamples();
    float[] logits = model.predict(checkedInputs(micro))[0].dup('c').data().asFloat();
    PointSampler.Points pts = PointSampler.sample(logits, micro.mask().dup('c').data().asFloat(),
        n, s, k, config.pointOversampleRatio(), config.pointImportanceRatio(), pointSeed);
    PointLoss pl = PointLoss.of(logits, pts, k, micro.presence().dup('c').data().asFloat(),
        diceCount, config.maskBceWeight(), config.diceWeight());
    ph.put(SegLoss.MASK_GRAD, Nd4j.create(pl.gradient(), new long[] {n, 1, s, s}, 'c'));
    return new Labels(ph, pl.value());
  }

  /** Micro-batch {@code m} of {@code k}: a sample's frames are contiguous, so a row range. */
  static Batch slice(Batch b, int m, int k) {
    long rows = b.presence().size(0) / k;
    long from = m * rows;
    long to = from + rows;
    Map<String, INDArray> in = new java.util.LinkedHashMap<>();
    b.inputs().forEach((name, a) -> in.put(name, rows(a, from, to)));
    return new Batch(in, rows(b.mask(), from, to), rows(b.presence(), from, to), b.samples() / k);
  }

  private static INDArray rows(INDArray a, long from, long to) {
    INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
    idx[0] = NDArrayIndex.interval(from, to);
    for (int i = 1; i < idx.length; i++) {
      idx[i] = NDArrayIndex.all();
    }
    return a.get(idx).dup('c');
  }

  /** The loss on {@code batch} without training (points, if any, drawn as {@link #step(Batch)}). */
  public double loss(Batch batch) {
    return loss(batch, iteration());
  }

  /** The loss on {@code batch} without training, points drawn from {@code stream} (micro-batch 0). */
  public double loss(Batch batch, long stream) {
    Labels l = labels(batch, SegLoss.diceCount(batch.presence().sumNumber().doubleValue(), 1),
        Seeds.mix(config.seed(), stream, 0));
    Map<String, INDArray> ph = l.placeholders();
    ph.putAll(checkedInputs(batch));
    if (config.pointSamples() > 0) {
      // The graph's mask term is sum(logits x gradient): with a zero gradient only the presence
      // term is left, and the mask terms' value comes from PointLoss.
      ph.put(SegLoss.MASK_GRAD, ph.get(SegLoss.MASK_GRAD).ulike().assign(0));
    }
    return l.pointLoss()
        + model.sameDiff().output(ph, lossName()).get(lossName()).getDouble(0);
  }

  /** The batch's inputs; a batch made for another preset is refused. */
  private Map<String, INDArray> checkedInputs(Batch batch) {
    if (!batch.inputs().keySet().equals(model.inputs().keySet())) {
      throw new IllegalArgumentException("batch has inputs " + batch.inputs().keySet() + ", model "
          + model.config().preset() + " takes " + model.inputs().keySet());
    }
    return batch.inputs();
  }

  /** The batch's inputs in the model's input order. */
  private INDArray[] inputsInOrder(Batch batch) {
    Map<String, INDArray> in = checkedInputs(batch);
    return model.inputNames().stream().map(in::get).toArray(INDArray[]::new);
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
}
