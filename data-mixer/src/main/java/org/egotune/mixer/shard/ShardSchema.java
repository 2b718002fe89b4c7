package org.egotune.mixer.shard;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.egotune.mixer.depth.DepthLabels;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.record.Sample;

/**
 * The shard row schema and the conversion between {@link Sample} and a Parquet example
 * {@link Group}: one row per sample, frames as a repeated group so that a row is self-contained.
 */
final class ShardSchema {

  /**
   * The row schema. Masks are stored as the compressed COCO RLE string (absent = no mask), which is
   * what every source already provides and a fraction of the size of a decoded bitmap. Frame files
   * are kept alongside the bytes so a sample can be traced back to its origin.
   */
  static final MessageType SCHEMA = schema("");

  /** The row schema with {@code extraFrameFields} appended to the frame group's fields. */
  private static MessageType schema(String extraFrameFields) {
    return MessageTypeParser.parseMessageType(
        "message egotune_sample {\n"
            + "  required binary source (UTF8);\n"
            + "  required binary video (UTF8);\n"
            + "  required binary exp_id (UTF8);\n"
            + "  required binary expression (UTF8);\n"
            + "  required int32 height;\n"
            + "  required int32 width;\n"
            + "  repeated binary obj_ids (UTF8);\n"
            + "  repeated group frames {\n"
            + "    required binary name (UTF8);\n"
            + "    required binary file (UTF8);\n"
            + "    required binary image;\n"
            + "    optional binary rle (UTF8);\n"
            + "    required boolean annotated;\n"
            + extraFrameFields
            + "  }\n"
            + "}");
  }

  private static final SimpleGroupFactory FACTORY = new SimpleGroupFactory(SCHEMA);

  /**
   * The row schema of samples with depth labels ({@code depth} layout): {@link #SCHEMA} plus, per
   * frame, the label's file and its checked map as float32 little-endian bytes, row-major, of the
   * frame's size ({@code DepthLabels.toShardBytes}). A second schema rather than optional columns
   * in the first, so shards without depth keep their schema and columns.
   */
  static final MessageType DEPTH_SCHEMA = schema(
      "    required binary depth_file (UTF8);\n"
          + "    required binary depth;\n");

  private static final SimpleGroupFactory DEPTH_FACTORY = new SimpleGroupFactory(DEPTH_SCHEMA);

  /** The schema {@code s} is written with: {@link #DEPTH_SCHEMA} when it has depth labels. */
  static MessageType schemaOf(Sample s) {
    return s.record().hasDepth() ? DEPTH_SCHEMA : SCHEMA;
  }

  private ShardSchema() {}

  /**
   * Converts a sample to a row. Annotated-frame names that are not among the record's frames
   * cannot be stored (the flag lives on the frame); they are dropped and counted in
   * {@code dropped[0]}, which is harmless because the scorer ignores keys outside the frame list.
   */
  static Group toGroup(Sample s, long[] dropped) {
    ClipRecord r = s.record();
    Group g = (r.hasDepth() ? DEPTH_FACTORY : FACTORY).newGroup();
    g.append("source", r.source());
    g.append("video", r.video());
    g.append("exp_id", r.expId());
    g.append("expression", r.expression());
    g.append("height", r.height());
    g.append("width", r.width());
    for (String id : r.objIds()) {
      g.append("obj_ids", id);
    }
    Set<String> names = new HashSet<>(r.frameNames());
    for (String a : r.annotatedFrames()) {
      if (!names.contains(a)) {
        dropped[0]++;
      }
    }
    for (int i = 0; i < r.frameNames().size(); i++) {
      Group f = g.addGroup("frames");
      String name = r.frameNames().get(i);
      f.append("name", name);
      f.append("file", r.frameFiles().get(i));
      f.append("image", Binary.fromConstantByteArray(s.frames().get(i)));
      Rle m = r.masks().get(i);
      if (m != null) {
        f.append("rle", m.toCompressedString());
      }
      f.append("annotated", r.annotatedFrames().contains(name));
      if (r.hasDepth()) {
        f.append("depth_file", r.depthFiles().get(i));
        f.append("depth", Binary.fromConstantByteArray(DepthLabels.toShardBytes(s.depths().get(i))));
      }
    }
    return g;
  }

  static Sample fromGroup(Group g) {
    int h = g.getInteger("height", 0);
    int w = g.getInteger("width", 0);
    int nIds = g.getFieldRepetitionCount("obj_ids");
    List<String> objIds = new ArrayList<>(nIds);
    for (int i = 0; i < nIds; i++) {
      objIds.add(g.getString("obj_ids", i));
    }
    int nFrames = g.getFieldRepetitionCount("frames");
    List<String> names = new ArrayList<>(nFrames);
    List<String> files = new ArrayList<>(nFrames);
    List<Rle> masks = new ArrayList<>(nFrames);
    List<byte[]> images = new ArrayList<>(nFrames);
    Set<String> annotated = new HashSet<>();
    boolean depth = g.getType().getType("frames").asGroupType().containsField("depth");
    List<String> depthFiles = new ArrayList<>(depth ? nFrames : 0);
    List<float[]> depths = new ArrayList<>(depth ? nFrames : 0);
    for (int i = 0; i < nFrames; i++) {
      Group f = g.getGroup("frames", i);
      if (depth) {
        depthFiles.add(f.getString("depth_file", 0));
        depths.add(DepthLabels.fromShardBytes(f.getBinary("depth", 0).getBytes(), h, w));
      }
      String name = f.getString("name", 0);
      names.add(name);
      files.add(f.getString("file", 0));
      images.add(f.getBinary("image", 0).getBytes());
      masks.add(
          f.getFieldRepetitionCount("rle") == 0
              ? null
              : Rle.fromCompressedString(h, w, f.getString("rle", 0)));
      if (f.getBoolean("annotated", 0)) {
        annotated.add(name);
      }
    }
    ClipRecord r =
        new ClipRecord(
            g.getString("source", 0),
            g.getString("video", 0),
            g.getString("exp_id", 0),
            g.getString("expression", 0),
            objIds,
            names,
            files,
            masks,
            annotated,
            h,
            w,
            depthFiles);
    return new Sample(r, images, depths);
  }

  /**
   * Parses a whole shard that is already in memory (so that the bytes checked against the manifest's
   * SHA-256 are exactly the bytes parsed). Any failure, including Parquet's unchecked decoding
   * errors, becomes an IOException naming {@code what}.
   */
  static List<Sample> parse(byte[] bytes, String what) throws IOException {
    List<Sample> out = new ArrayList<>();
    MessageType foreign = null;
    try (ParquetFileReader reader = ParquetFileReader.open(new BytesInputFile(bytes))) {
      MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
      MessageType schema = fileSchema.equals(SCHEMA) ? SCHEMA
          : fileSchema.equals(DEPTH_SCHEMA) ? DEPTH_SCHEMA : null;
      if (schema == null) {
        foreign = fileSchema;
      } else {
        MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
        PageReadStore pages;
        while ((pages = reader.readNextRowGroup()) != null) {
          RecordReader<Group> rows = io.getRecordReader(pages, new GroupRecordConverter(schema));
          for (long i = 0; i < pages.getRowCount(); i++) {
            out.add(fromGroup(rows.read()));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new DatasetFormatException(
          what + " could not be read as an EgoTune Parquet shard (truncated or corrupt?): " + e, e);
    }
    if (foreign != null) {
      throw new DatasetFormatException(what + " does not have the EgoTune shard schema; found:\n" + foreign);
    }
    return out;
  }

  /** A Parquet {@link InputFile} over a byte array. */
  private static final class BytesInputFile implements InputFile {
    private final byte[] bytes;

    BytesInputFile(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public long getLength() {
      return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
      SeekableBytes in = new SeekableBytes(bytes);
      return new DelegatingSeekableInputStream(in) {
        @Override
        public long getPos() {
          return in.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
          if (newPos < 0 || newPos > bytes.length) {
            throw new java.io.EOFException(
                "seek to " + newPos + " outside a file of " + bytes.length + " bytes");
          }
          in.seek((int) newPos);
        }
      };
    }
  }

  /** ByteArrayInputStream with its position exposed, to implement seeking. */
  private static final class SeekableBytes extends ByteArrayInputStream {
    SeekableBytes(byte[] b) {
      super(b);
    }

    synchronized int position() {
      return pos;
    }

    synchronized void seek(int p) {
      pos = p;
    }
  }
}
