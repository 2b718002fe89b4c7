package org.egotune.model.params;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * The fixed, documented order in which a network's trainable parameters travel as one flat vector:
 * the order the variables were declared in. Parameter averaging, checkpoints and parity tests all use
 * this one map, so a flat vector means the same thing everywhere.
 */
public final class ParamTable {

  /** One parameter: its name, shape, and where it sits in the flat vector. */
  public record Entry(String name, long[] shape, long offset, long length) {}

  private final List<Entry> entries;
  private final long size;

  private ParamTable(List<Entry> entries, long size) {
    this.entries = Collections.unmodifiableList(entries);
    this.size = size;
  }

  /** Builds the table from the trainable variables of {@code sd}, in declaration order. */
  public static ParamTable of(SameDiff sd) {
    List<Entry> list = new ArrayList<>();
    long offset = 0;
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() != VariableType.VARIABLE) {
        continue;
      }
      long[] shape = v.getArr().shape();
      long n = v.getArr().length();
      list.add(new Entry(v.name(), shape.clone(), offset, n));
      offset += n;
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("the network has no trainable variables");
    }
    return new ParamTable(list, offset);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** Total number of parameters. */
  public long size() {
    return size;
  }

  /** Copies the parameters of {@code sd} into a new flat float vector. */
  public float[] flatten(SameDiff sd) {
    float[] out = new float[Math.toIntExact(size)];
    for (Entry e : entries) {
      float[] part = sd.getVariable(e.name()).getArr().castTo(DataType.FLOAT).data().asFloat();
      System.arraycopy(part, 0, out, (int) e.offset(), part.length);
    }
    return out;
  }

  /** Overwrites the parameters of {@code sd} in place from a flat vector of length {@link #size()}. */
  public void assign(SameDiff sd, float[] flat) {
    checkLength("parameter", flat.length, size);
    for (Entry e : entries) {
      INDArray target = sd.getVariable(e.name()).getArr();
      target.assign(slice(flat, e).reshape(e.shape()));
    }
  }

  /**
   * Names of the optimizer-state arrays per parameter (e.g. Adam's {@code M}, {@code V}); empty until
   * the updater has been initialised by a first training step.
   */
  public static boolean hasUpdaterState(SameDiff sd) {
    Map<String, ?> map = sd.getUpdaterMap();
    return map != null && !map.isEmpty();
  }

  /**
   * Length of the flat optimizer-state vector: for each parameter in table order, its updater's state
   * arrays in sorted key order.
   */
  public long updaterStateSize(SameDiff sd) {
    long n = 0;
    for (Entry e : entries) {
      for (INDArray a : sortedState(sd, e).values()) {
        n += a.length();
      }
    }
    return n;
  }

  /** Copies the optimizer state into a flat vector (see {@link #updaterStateSize}). */
  public float[] flattenUpdaterState(SameDiff sd) {
    float[] out = new float[Math.toIntExact(updaterStateSize(sd))];
    int off = 0;
    for (Entry e : entries) {
      for (INDArray a : sortedState(sd, e).values()) {
        float[] part = a.castTo(DataType.FLOAT).data().asFloat();
        System.arraycopy(part, 0, out, off, part.length);
        off += part.length;
      }
    }
    return out;
  }

  /** Overwrites the optimizer state in place from a flat vector (see {@link #updaterStateSize}). */
  public void assignUpdaterState(SameDiff sd, float[] flat) {
    checkLength("optimizer-state", flat.length, updaterStateSize(sd));
    int off = 0;
    for (Entry e : entries) {
      for (INDArray a : sortedState(sd, e).values()) {
        float[] part = new float[(int) a.length()];
        System.arraycopy(flat, off, part, 0, part.length);
        a.assign(Nd4j.create(part, a.shape(), a.ordering()));
        off += part.length;
      }
    }
  }

  private static java.util.SortedMap<String, INDArray> sortedState(SameDiff sd, Entry e) {
    Map<String, ?> map = sd.getUpdaterMap();
    GradientUpdater<?> u = map == null ? null : (GradientUpdater<?>) map.get(e.name());
    if (u == null) {
      throw new IllegalStateException(
          "no optimizer state for parameter " + e.name() + ": train one step before reading it");
    }
    Map<String, INDArray> state = u.getState();
    return new java.util.TreeMap<>(state == null ? Map.of() : state);
  }

  private static INDArray slice(float[] flat, Entry e) {
    float[] part = new float[(int) e.length()];
    System.arraycopy(flat, (int) e.offset(), part, 0, part.length);
    return Nd4j.create(part, new long[] {part.length}, 'c');
  }

  private static void checkLength(String what, long found, long expected) {
    if (found != expected) {
      throw new IllegalArgumentException(
          what + " vector has " + found + " values, expected " + expected);
    }
  }
}
