package org.egotune.trainer.run;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.model.SegModel;
import org.egotune.model.io.Safetensors;
import org.egotune.model.sam2.Sam2Decoder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code model.weights} file a fresh run starts from: read through Hadoop (so it may live on
 * HDFS), hashed, and loaded by export name into the driver's model before the first broadcast, so
 * every worker starts from the file's parameters. Loading is strict: every tensor of the model must
 * be in the file with its shape, the parts of a Sa2VA checkpoint the decoder path never uses (image
 * encoder, memory, LLM, ...: {@link org.egotune.model.sam2.Sa2vaStateDict}) are skipped and counted,
 * and any other key fails naming it; so a full Sa2VA checkpoint or a converted part of it loads as is.
 *
 * @param file the file as configured
 * @param sha256 hex SHA-256 of its bytes
 * @param tensors how many of its tensors were loaded (all of the model's)
 * @param skipped how many it held that the model does not have
 */
record InitialWeights(String file, String sha256, int tensors, int skipped) {

  /** Loads {@code file} into {@code model}; a missing or mismatching tensor fails naming the file. */
  static InitialWeights load(SegModel model, String file, Configuration conf) {
    java.nio.file.Path local = null;
    try {
      local = Files.createTempFile("egotune-weights", ".safetensors");
      String sha256 = copy(new Path(file), conf, local);
      Safetensors.Contents c;
      try {
        c = Safetensors.read(local);
      } catch (IOException e) {
        throw new IllegalArgumentException("model.weights: " + file + ": " + e.getMessage(), e);
      }
      try {
        model.loadStateDict(c.tensors(), true);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("model.weights: " + file + " does not fit model.preset "
            + model.config().preset() + ": " + e.getMessage(), e);
      }
      int loaded = model.stateDict().size();
      return new InitialWeights(file, sha256, loaded, c.tensors().size() - loaded);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("model.weights: " + file + " does not exist", e);
    } catch (IOException e) {
      throw new UncheckedIOException("model.weights: cannot read " + file + ": " + e.getMessage(), e);
    } finally {
      if (local != null) {
        try {
          Files.deleteIfExists(local);
        } catch (IOException ignored) {
          // a leftover temp file is harmless
        }
      }
    }
  }

  /** The model's positional-encoding buffer, flat (row-major); null for the depth presets, which have none. */
  static float[] positionalEncoding(SegModel model) {
    if (model.config().predictsDepth()) {
      return null;
    }
    return model.stateDict().get(Sam2Decoder.positionalEncodingKey()).dup('c').data().asFloat();
  }

  /** The buffer a checkpoint's meta recorded under initialWeights, or null when there is none. */
  static float[] positionalEncoding(com.fasterxml.jackson.databind.JsonNode initialWeights) {
    com.fasterxml.jackson.databind.JsonNode a = initialWeights == null ? null
        : initialWeights.get("positionalEncoding");
    if (a == null || !a.isArray()) {
      return null;
    }
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) a.get(i).asDouble();
    }
    return out;
  }

  /** Sets the model's positional-encoding buffer to {@code flat} (null: leaves the seeded one). */
  static void setPositionalEncoding(SegModel model, float[] flat) {
    if (flat == null) {
      return;
    }
    INDArray pe = model.stateDict().get(Sam2Decoder.positionalEncodingKey());
    if (pe.length() != flat.length) {
      throw new IllegalStateException("positional encoding has " + flat.length + " values, the model "
          + java.util.Arrays.toString(pe.shape()));
    }
    pe.assign(Nd4j.create(flat, pe.shape(), 'c'));
  }

  /** Copies {@code src} to {@code dst}, returning the hex SHA-256 of the bytes copied. */
  private static String copy(Path src, Configuration conf, java.nio.file.Path dst) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    FileSystem fs = src.getFileSystem(conf);
    try (InputStream in = new DigestInputStream(fs.open(src), sha);
        OutputStream out = Files.newOutputStream(dst)) {
      in.transferTo(out);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
