/**
 * The DL4J Spark comparison benchmark: DL4J's ParameterAveragingTrainingMaster and EgoTune's round
 * design on the same ComputationGraph, data and workers (docs/benchmarks.md). Built only with
 * {@code -Pdl4j-spark-bench}.
 */
package org.egotune.bench.dl4jspark;
