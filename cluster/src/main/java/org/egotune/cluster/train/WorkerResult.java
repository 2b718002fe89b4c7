package org.egotune.cluster.train;

/**
 * What one worker returns from a round: its parameters and optimizer state after its local steps,
 * the samples it trained on (the averaging weight) and the loss of its first batch of the round
 * (before that step's update), {@code lossSteps} = 1 such measurement.
 */
record WorkerResult(int worker, long samples, double lossSum, int lossSteps, float[] params, float[] optimizer)
    implements java.io.Serializable {}
