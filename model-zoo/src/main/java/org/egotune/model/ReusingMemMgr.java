package org.egotune.model;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.common.util.ArrayUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff session memory manager that keeps every array the session releases and hands its
 * buffer out again for the next request of the same data type and size (in any shape), so that a training loop's steps,
 * which allocate the same sizes in the same order every time, stop allocating after the first.
 *
 * <p>Why not ND4J's {@code ArrayCacheMemoryMgr}: in 1.0.0-M2.1 it caches at most a quarter of
 * JavaCPP's {@code maxBytes} and frees, instead of caching, any released array whose buffer another
 * op context still counts as used, which in a training step is most of them; every miss is a new
 * native buffer that ND4J zero-fills, and fresh pages the kernel zero-fills first (measured in
 * docs/benchmarks.md, "SAM2 decoder").
 *
 * <p>Safety: only arrays this manager allocated, not views and not detached (returned to the
 * caller), are ever reused; anything else handed to {@link #release} is left to the garbage
 * collector as before. The cache holds at most what one step had released at once, i.e. about a
 * step's peak activation memory. Not thread-safe, like the session that owns it.
 */
final class ReusingMemMgr implements SessionMemMgr {
  /** Released arrays by data type and buffer size in bytes. */
  private final Map<Key, ArrayDeque<INDArray>> free = new HashMap<>();
  /** Buffer addresses of arrays allocated here, reusable once released. */
  private final Set<Long> owned = new HashSet<>();
  /** Buffer addresses currently in {@link #free} (a second release of one is ignored). */
  private final Set<Long> cached = new HashSet<>();
  private long requests;
  private long reused;
  private long requestedBytes;
  private long reusedBytes;
  private long cachedBytes;

  @Override
  public INDArray allocate(boolean detached, DataType dataType, long... shape) {
    long bytes = bytes(dataType, shape);
    requests++;
    requestedBytes += bytes;
    if (detached) {
      // Detached arrays outlive the session (returned outputs): never from, never into, the cache.
      return Nd4j.createUninitializedDetached(dataType, shape);
    }
    ArrayDeque<INDArray> q = free.get(new Key(dataType, bytes));
    INDArray a = q == null ? null : q.pollLast();
    if (a != null) {
      cached.remove(a.data().address());
      cachedBytes -= bytes;
      reused++;
      reusedBytes += bytes;
      // Same buffer length, maybe another shape ([B*N, C] and [B, N, C] are common): a new
      // c-ordered array over the whole buffer, which is not a view.
      return java.util.Arrays.equals(a.shape(), shape) && a.ordering() == 'c'
          ? a : Nd4j.create(a.data(), shape);
    }
    a = Nd4j.createUninitializedDetached(dataType, shape);
    owned.add(a.data().address());
    return a;
  }

  @Override
  public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
    return allocate(detached, descriptor.dataType(), descriptor.getShape());
  }

  @Override
  public INDArray ulike(INDArray arr) {
    return allocate(false, arr.dataType(), arr.shape());
  }

  @Override
  public INDArray dup(INDArray arr) {
    INDArray out = allocate(false, arr.dataType(), arr.shape());
    out.assign(arr);
    return out;
  }

  @Override
  public void release(INDArray array) {
    if (array.wasClosed() || array.data() == null || array.isView()) {
      return;
    }
    long address = array.data().address();
    long bytes = bytes(array.dataType(), array.shape());
    if (bytes != array.data().length() * array.dataType().width()
        || !owned.contains(address) || !cached.add(address)) {
      return;
    }
    free.computeIfAbsent(new Key(array.dataType(), bytes), k -> new ArrayDeque<>()).addLast(array);
    cachedBytes += bytes;
  }

  @Override
  public void close() {
    free.clear();
    owned.clear();
    cached.clear();
    cachedBytes = 0;
  }

  /** Requests and bytes so far, and how many were served from the cache. */
  String stats() {
    return String.format("%d of %d arrays (%d of %d MB) reused, %d MB cached", reused, requests,
        reusedBytes >> 20, requestedBytes >> 20, cachedBytes >> 20);
  }

  private record Key(DataType dataType, long bytes) {}

  private static long bytes(DataType t, long[] shape) {
    return ArrayUtil.prodLong(shape) * t.width();
  }
}
