package org.egotune.cluster.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's Hadoop configuration as plain entries, so Spark tasks open files with the same
 * settings as the driver: {@code fs.defaultFS} (for {@code hdfs:///path}), {@code spark.hadoop.*}
 * options, HA name services, credentials providers. A task's {@code new Configuration()} only sees
 * the executor's own {@code *-site.xml} files. Broadcast it once per job.
 *
 * @param entries every property of the driver's configuration, raw (unexpanded) values
 */
public record HadoopConfEntries(Map<String, String> entries) implements Serializable {
  public HadoopConfEntries {
    if (entries == null) {
      throw new IllegalArgumentException("entries must not be null");
    }
    entries = Map.copyOf(new TreeMap<>(entries));
  }

  /** A snapshot of {@code conf}. */
  public static HadoopConfEntries of(Configuration conf) {
    Map<String, String> m = new TreeMap<>();
    for (Map.Entry<String, String> e : conf) {
      m.put(e.getKey(), e.getValue());
    }
    return new HadoopConfEntries(m);
  }

  /** A configuration with the executor's defaults overridden by every driver entry. */
  public Configuration toConfiguration() {
    Configuration c = new Configuration();
    entries.forEach(c::set);
    return c;
  }
}
