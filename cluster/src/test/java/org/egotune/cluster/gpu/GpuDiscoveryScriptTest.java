package org.egotune.cluster.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cluster/conf/gpu-discovery.sh prints what Spark's resource discovery parses, with and without GPUs. */
class GpuDiscoveryScriptTest {
  static final Path SCRIPT = Path.of("conf", "gpu-discovery.sh");

  @TempDir Path tmp;

  ResourceInformation run(String fakeNvidiaSmi) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    if (fakeNvidiaSmi != null) {
      Path smi = bin.resolve("nvidia-smi");
      Files.writeString(smi, "#!/bin/sh\n" + fakeNvidiaSmi + "\n");
      smi.toFile().setExecutable(true);
    }
    ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toAbsolutePath().toString());
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);
    // Spark's own parser, as the executor applies it to the script's output.
    return ResourceInformation.parseJson(out.trim());
  }

  @Test
  void listsTheIndicesNvidiaSmiReports() throws Exception {
    ResourceInformation r = run("printf '0\\n1\\n2\\n7\\n'");
    assertEquals("gpu", r.name());
    assertArrayEquals(new String[] {"0", "1", "2", "7"}, r.addresses());
  }

  @Test
  void noNvidiaSmiMeansNoAddresses() throws Exception {
    ResourceInformation r = run(null);
    assertEquals("gpu", r.name());
    assertArrayEquals(new String[0], r.addresses());
  }

  @Test
  void aFailingNvidiaSmiMeansNoAddresses() throws Exception {
    assertArrayEquals(new String[0], run("echo 'NVIDIA-SMI has failed'; exit 9").addresses());
  }
}
