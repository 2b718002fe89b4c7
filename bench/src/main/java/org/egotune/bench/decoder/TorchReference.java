package org.egotune.bench.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.egotune.model.sam2.Sam2DecoderConfig;

/**
 * The PyTorch side of the decoder benchmark: one long-lived {@code bench_torch.py --serve} process
 * that runs the reference decoder's training step on request, so that its steps can alternate with
 * the Java side's in one run. Python and torch are optional: {@link #start} says why it cannot run.
 */
public final class TorchReference implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final BufferedReader replies;
  private final Writer requests;
  private final Path stderr;
  private final JsonNode info;

  private TorchReference(Process process, Path stderr) throws IOException {
    this.process = process;
    this.stderr = stderr;
    this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.info = readReply("start");
  }

  /**
   * Starts {@code python script --serve threads}.
   *
   * @throws IOException naming the interpreter or script that is missing, or python's last error
   *     line when it cannot start (typically: no torch)
   */
  public static TorchReference start(Path python, Path script, int threads) throws IOException {
    if (!Files.isExecutable(python)) {
      throw new IOException("no python interpreter at " + python);
    }
    if (!Files.isRegularFile(script)) {
      throw new IOException("no PyTorch benchmark script at " + script);
    }
    Path err = Files.createTempFile("egotune-bench-torch", ".log");
    ProcessBuilder pb = new ProcessBuilder(python.toString(), script.toString(), "--serve", Integer.toString(threads))
        .redirectError(err.toFile());
    pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
    Process p = pb.start();
    try {
      return new TorchReference(p, err);
    } catch (IOException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /** What python reported at start: torch version, threads, the BLAS it loaded. */
  public String describe() {
    return "torch " + info.path("torch").asText() + ", " + info.path("threads").asInt() + " threads, BLAS "
        + info.path("blas");
  }

  /** Times {@code steps} training steps of the reference decoder at {@code cfg}; milliseconds each. */
  public double[] run(Sam2DecoderConfig cfg, int batch, int steps, double learningRate, double weightDecay)
      throws IOException {
    ObjectNode c = JSON.createObjectNode()
        .put("width", cfg.width()).put("depth", cfg.depth()).put("heads", cfg.heads())
        .put("mlp_dim", cfg.mlpDim()).put("attn_downsample", cfg.attnDownsample()).put("grid", cfg.gridSize())
        .put("num_mask_tokens", cfg.numMaskTokens()).put("prompt_in", cfg.promptInDim())
        .put("prompt_hidden", cfg.promptHiddenDim()).put("iou_hidden", cfg.iouHiddenDim());
    ObjectNode req = JSON.createObjectNode();
    req.set("cfg", c);
    req.put("batch", batch).put("steps", steps).put("lr", learningRate).put("weight_decay", weightDecay);
    requests.write(JSON.writeValueAsString(req) + "\n");
    requests.flush();
    JsonNode ms = readReply("a step request").path("ms");
    if (!ms.isArray() || ms.size() != steps) {
      throw new IOException("bench_torch.py replied without " + steps + " step times: " + ms);
    }
    double[] out = new double[steps];
    for (int i = 0; i < steps; i++) {
      out[i] = ms.get(i).asDouble();
    }
    return out;
  }

  private JsonNode readReply(String after) throws IOException {
    String line = replies.readLine();
    if (line == null) {
      throw new IOException("bench_torch.py ended after " + after + ": " + lastErrorLine());
    }
    return JSON.readTree(line);
  }

  private String lastErrorLine() {
    try {
      process.waitFor(5, TimeUnit.SECONDS);
      List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
      String last = lines.isEmpty() ? "(no error output)" : lines.get(lines.size() - 1);
      return last + " (full log: " + stderr + ")";
    } catch (IOException e) {
      return "(its error log " + stderr + " is unreadable: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  @Override
  public void close() throws IOException {
    requests.close();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(stderr);
  }
}
