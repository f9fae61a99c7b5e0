package io.remotesecrets.agent.textparse;

import io.remotesecrets.agent.model.Labels;
import java.util.Arrays;

/**
 * Maps the raw bytes of a series ({@code name{labels}} exactly as written) to its parsed
 * {@link Labels}, as Prometheus's scrape cache does: a target exposes the same series on every
 * scrape, so after the first one a line costs a scan and a hash, not a parse and allocations.
 * Open addressing; grows with the number of series, and is cleared when it reaches its bound so
 * that series churn cannot grow it without limit.
 */
final class SeriesCache {
  private static final int INITIAL = 64;
  private static final int MAX = 1 << 16;

  private byte[][] keys = new byte[INITIAL][];
  private int[] hashes = new int[INITIAL];
  private Labels[] values = new Labels[INITIAL];
  private int size;

  Labels get(byte[] b, int off, int len, int hash) {
    int mask = keys.length - 1;
    for (int i = mix(hash) & mask; ; i = (i + 1) & mask) {
      byte[] k = keys[i];
      if (k == null) return null;
      if (hashes[i] == hash && k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) return values[i];
    }
  }

  void put(byte[] b, int off, int len, int hash, Labels labels) {
    if (2 * (size + 1) > keys.length) {
      if (keys.length >= MAX) clear();
      else rehash(keys.length * 2);
    }
    insert(Arrays.copyOfRange(b, off, off + len), hash, labels);
  }

  private void insert(byte[] key, int hash, Labels labels) {
    int mask = keys.length - 1;
    int i = mix(hash) & mask;
    while (keys[i] != null) i = (i + 1) & mask;
    keys[i] = key;
    hashes[i] = hash;
    values[i] = labels;
    size++;
  }

  private void rehash(int capacity) {
    byte[][] oldKeys = keys;
    int[] oldHashes = hashes;
    Labels[] oldValues = values;
    keys = new byte[capacity][];
    hashes = new int[capacity];
    values = new Labels[capacity];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) insert(oldKeys[i], oldHashes[i], oldValues[i]);
    }
  }

  private void clear() {
    keys = new byte[INITIAL][];
    hashes = new int[INITIAL];
    values = new Labels[INITIAL];
    size = 0;
  }

  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
