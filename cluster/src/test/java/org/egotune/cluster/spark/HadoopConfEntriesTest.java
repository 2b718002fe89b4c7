package org.egotune.cluster.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The driver's Hadoop settings survive Java serialization and win over a task's defaults. */
class HadoopConfEntriesTest {
  @Test
  void driverSettingsTravelAndWin() throws Exception {
    Configuration driver = new Configuration();
    driver.set("fs.defaultFS", "hdfs://nn.example:8020");
    driver.set("egotune.test.only", "x");
    HadoopConfEntries e = HadoopConfEntries.of(driver);

    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
      out.writeObject(e);
    }
    HadoopConfEntries back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
      back = (HadoopConfEntries) in.readObject();
    }
    assertEquals(e, back);
    Configuration task = back.toConfiguration();
    assertEquals("hdfs://nn.example:8020", task.get("fs.defaultFS"));
    assertEquals("x", task.get("egotune.test.only"));
    assertEquals("file:///", new Configuration().get("fs.defaultFS"));
  }

  @Test
  void nullIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new HadoopConfEntries(null));
  }
}
