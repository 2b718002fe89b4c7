package org.egotune.cluster.train;

/**
 * One mixture source as the workers see it: its name, prepared dataset directory, sample count and
 * weight.
 */
record SourceSpec(String name, String dir, long size, double weight) implements java.io.Serializable {}
