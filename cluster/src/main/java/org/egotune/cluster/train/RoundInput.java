package org.egotune.cluster.train;

/**
 * What the driver broadcasts each round: the averaged parameters and optimizer state, the optimizer
 * iteration, the first step of the round and how many steps each worker takes in it.
 */
record RoundInput(float[] params, float[] optimizer, int iteration, int firstStep, int steps)
    implements java.io.Serializable {}
