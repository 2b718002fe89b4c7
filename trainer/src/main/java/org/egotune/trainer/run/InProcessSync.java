package org.egotune.trainer.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Every worker in this JVM, one group after another, on the CPU backend's placement: training with
 * no Spark at all ({@code spark.master: none}). The groups compute exactly what Spark tasks compute,
 * so a job gives the same parameters here as on any Spark master.
 */
public final class InProcessSync implements ParameterSync {
  private RunSpec spec;
  private Configuration conf;

  @Override
  public void start(RunSpec spec, Configuration conf) {
    this.spec = spec;
    this.conf = conf;
  }

  @Override
  public Round round(RoundInput in) {
    List<Placement> cpu = Collections.nCopies(spec.workersPerTask(), Placement.CPU);
    long b = System.nanoTime();
    List<GroupResult> out = new ArrayList<>(spec.groups());
    for (int g = 0; g < spec.groups(); g++) {
      out.add(WorkerGroups.run(spec, g, in, cpu, () -> conf, System.nanoTime()));
    }
    return new Round(out, 0, System.nanoTime() - b);
  }

  @Override
  public void close() {
    if (spec != null) {
      WorkerGroups.release(spec.runId());
    }
  }
}
