package org.egotune.bench.dl4jspark;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.SplittableRandom;

/**
 * The {@code tiny} preset's mask path as a DL4J ComputationGraph: the same convolutions, channel
 * widths, stride, upsampling and skip connection at 32x32, so a step costs the same FLOPs to within
 * the FiLM and presence heads (about 0.2 % of the MACs), which a ComputationGraph cannot express
 * without custom layers and which DL4J's Spark master would then not run either.
 *
 * <p>With a {@code bottleneck} width H > 0 (the bench's {@code --net large}) a residual dense
 * bottleneck sits at the 16x16 level: conv4's 6,144 features -> dense H -> dense 6,144, added back
 * to conv4. That gives 2 x 6,144 x H parameters (8.87 M at the default H = 720, the full-size
 * {@code sam2-decoder}'s 8.9 M) for little compute: a dense layer is one GEMM, while the
 * convolutions (which stay as in the tiny net) dominate a step. Many parameters per FLOP is the
 * regime of the SAM2 decoder's transformer / MLP weights, where what a round ships and averages
 * starts to matter next to the minibatch compute.
 */
final class TinyCnn {
  static final int SIZE = 32;
  static final int C = 24;
  static final int C1 = 8;
  /** {@code --net large}'s bottleneck width: about the {@code sam2-decoder} preset's 8.9 M parameters. */
  static final int LARGE_BOTTLENECK = 720;

  private TinyCnn() {}

  /** The network; {@code bottleneck} 0 is the tiny net, H > 0 adds the dense bottleneck of width H. */
  static ComputationGraphConfiguration conf(long seed, double lr, int bottleneck) {
    ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(new Adam(lr))
        .weightInit(WeightInit.RELU)
        .convolutionMode(ConvolutionMode.Same)
        .graphBuilder()
        .addInputs("frames")
        .setInputTypes(InputType.convolutional(SIZE, SIZE, 3))
        .addLayer("conv1", conv(3, C1, 1), "frames")
        .addLayer("conv2", conv(C1, C, 2), "conv1")
        .addLayer("conv3", conv(C, C, 1), "conv2")
        .addLayer("conv4", conv(C, C, 1), "conv3");
    String top = "conv4";
    if (bottleneck > 0) {
      int half = SIZE / 2;
      int flat = C * half * half;
      // Explicit preprocessors (NCHW flatten and back): the second dense layer's output must be
      // reshaped to conv4's shape for the residual add, which setInputTypes cannot infer.
      g.addLayer("fc1", new DenseLayer.Builder().nIn(flat).nOut(bottleneck).activation(Activation.RELU).build(),
              "conv4")
          .inputPreProcessor("fc1", new CnnToFeedForwardPreProcessor(half, half, C))
          // Xavier rather than the ReLU (He) init on this linear output keeps the residual branch
          // below conv4's own activations at the start, so the large net trains like the tiny one.
          .addLayer("fc2", new DenseLayer.Builder().nIn(bottleneck).nOut(flat).activation(Activation.IDENTITY)
              .weightInit(WeightInit.XAVIER).build(), "fc1")
          .addVertex("fcmap", new PreprocessorVertex(
              new FeedForwardToCnnPreProcessor(half, half, C)), "fc2")
          .addVertex("res", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv4", "fcmap");
      top = "res";
    }
    return g
        .addLayer("up", new Upsampling2D.Builder(2).build(), top)
        .addVertex("cat", new MergeVertex(), "up", "conv1")
        .addLayer("conv5", conv(C + C1, C1, 1), "cat")
        .addLayer("mask", new ConvolutionLayer.Builder(1, 1).nIn(C1).nOut(1)
            .activation(Activation.IDENTITY).build(), "conv5")
        .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.XENT)
            .activation(Activation.SIGMOID).build(), "mask")
        .setOutputs("loss")
        .build();
  }

  private static ConvolutionLayer conv(int in, int out, int stride) {
    return new ConvolutionLayer.Builder(3, 3).stride(stride, stride).nIn(in).nOut(out)
        .activation(Activation.RELU).build();
  }

  /** Minibatch {@code index}: {@code frames} random frames and blob masks from a fixed seed. */
  static DataSet batch(long index, int frames) {
    SplittableRandom rng = new SplittableRandom(1000 + index);
    float[] x = new float[frames * 3 * SIZE * SIZE];
    float[] y = new float[frames * SIZE * SIZE];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    for (int f = 0; f < frames; f++) {
      int cy = rng.nextInt(SIZE);
      int cx = rng.nextInt(SIZE);
      for (int r = 0; r < SIZE; r++) {
        for (int c = 0; c < SIZE; c++) {
          if ((r - cy) * (r - cy) + (c - cx) * (c - cx) < 36) {
            y[f * SIZE * SIZE + r * SIZE + c] = 1;
          }
        }
      }
    }
    return new DataSet(Nd4j.create(x, new long[] {frames, 3, SIZE, SIZE}, 'c'),
        Nd4j.create(y, new long[] {frames, 1, SIZE, SIZE}, 'c'));
  }
}
