package org.egotune.mixer.reader;

/**
 * Reads one split of a dataset in its native layout into {@link org.egotune.mixer.record.ClipRecord}s.
 * One implementation per layout family; which layout name uses which reader, and with which
 * splits, is registered in {@link org.egotune.mixer.layout.DatasetLayouts}. Implementations are
 * stateless.
 */
public interface DatasetReader {

  /**
   * Reads {@code request.split()} under {@code request.root()}. Every record of a training layout
   * carries {@code request.source()} as its source; a benchmark's records carry
   * {@code <source>/<split>} (the split they come from). A sample that cannot be used goes to
   * {@code request.bad()}, which rethrows it or records it.
   *
   * @throws DatasetFormatException naming the file, the key inside it and what was expected, for
   *     the first problem {@code request.bad()} does not take (a whole file missing or unparseable,
   *     or any problem under {@link BadSamplePolicy#FAIL})
   */
  ReadResult read(ReadRequest request) throws DatasetFormatException;
}
