package org.egotune.bench.dl4jspark;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.ConvolutionMode;
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
 */
final class TinyCnn {
  static final int SIZE = 32;
  static final int C = 24;
  static final int C1 = 8;

  private TinyCnn() {}

  static ComputationGraphConfiguration conf(long seed, double lr) {
    return new NeuralNetConfiguration.Builder()
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
        .addLayer("conv4", conv(C, C, 1), "conv3")
        .addLayer("up", new Upsampling2D.Builder(2).build(), "conv4")
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
