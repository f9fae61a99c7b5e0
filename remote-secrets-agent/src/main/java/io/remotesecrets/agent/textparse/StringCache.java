package io.remotesecrets.agent.textparse;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns byte ranges into Strings, remembering recent short ones: metric names, label names and
 * most label values repeat on every line and every scrape, so most lookups decode nothing and
 * allocate nothing. Direct-mapped: a colliding entry simply replaces the older one.
 */
final class StringCache {
  private static final int INITIAL_SIZE = 256;
  private static final int MAX_SIZE = 8192;
  private static final int MAX_CACHED_LENGTH = 128;

  // Starts small (a parser is kept per target) and doubles while entries keep evicting each other.
  private byte[][] keys = new byte[INITIAL_SIZE][];
  private String[] values = new String[INITIAL_SIZE];
  private int evictions;
  private CharsetDecoder decoder;

  /** The string for the UTF-8 bytes, or null if they are not valid UTF-8. */
  String get(byte[] b, int off, int len) {
    if (len == 0) return "";
    if (len > MAX_CACHED_LENGTH) return decode(b, off, len);
    int h = 0;
    for (int i = off, end = off + len; i < end; i++) h = 31 * h + b[i];
    int slot = (h ^ (h >>> 13)) & (keys.length - 1);
    byte[] k = keys[slot];
    if (k != null && k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) return values[slot];
    String s = decode(b, off, len);
    if (k != null && ++evictions > keys.length && keys.length < MAX_SIZE) {
      keys = new byte[keys.length * 2][];
      values = new String[values.length * 2];
      evictions = 0;
      slot = (h ^ (h >>> 13)) & (keys.length - 1);
    }
    if (s != null) {
      keys[slot] = Arrays.copyOfRange(b, off, off + len);
      values[slot] = s;
    }
    return s;
  }

  private String decode(byte[] b, int off, int len) {
    boolean ascii = true;
    for (int i = off, end = off + len; i < end; i++) {
      if (b[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) return new String(b, off, len, StandardCharsets.ISO_8859_1);
    if (decoder == null) {
      decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    try {
      CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(b, off, len));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
