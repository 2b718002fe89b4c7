package org.egotune.trainer.run;

import java.util.List;
import org.egotune.mixer.mix.ResolvedSource;
import org.egotune.model.ModelConfig;
import org.egotune.trainer.config.TrainConfig;

/**
 * What every worker of one run invocation needs besides the round's state: the model and recipe, the
 * mixture's sources, how many workers share each step and how they are grouped into tasks. A
 * {@link ParameterSync} ships it to wherever the workers run (it is serializable).
 *
 * @param runId unique per invocation; keys the workers cached in a process between rounds
 * @param workers data-parallel workers (W); each step covers W x batchSize positions
 * @param workersPerTask consecutive workers run together and summed before they leave their process
 * @param averageOptimizer whether Adam's moments are averaged (else worker 0's are kept)
 * @param positionalEncoding the positional-encoding buffer the run started from (model.weights), or
 *     null for the one model.initSeed builds: a constant of the graph, not a parameter
 */
public record RunSpec(String runId, ModelConfig model, TrainConfig train, List<ResolvedSource> sources,
    int workers, int workersPerTask, boolean averageOptimizer, float[] positionalEncoding)
    implements java.io.Serializable {

  public RunSpec {
    sources = List.copyOf(sources);
    if (workers < 1 || workersPerTask < 1 || workers % workersPerTask != 0) {
      throw new IllegalArgumentException("workers (" + workers + ") must be a positive multiple of"
          + " workersPerTask (" + workersPerTask + ")");
    }
  }

  /** Groups of workers per round: {@code workers / workersPerTask}. */
  public int groups() {
    return workers / workersPerTask;
  }
}
