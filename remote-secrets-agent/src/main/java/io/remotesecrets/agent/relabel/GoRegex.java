package io.remotesecrets.agent.relabel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Prometheus relabel regex (RE2 syntax, fully anchored) compiled with java.util.regex, and Go's
 * {@code Regexp.Expand} template semantics. The two syntaxes agree on what relabel configs use;
 * this class translates the RE2 forms Java lacks ({@code (?P<name>...)}, POSIX classes such as
 * {@code [[:alpha:]]}) and makes {@code .} stop only at {@code \n}, as in Go.
 */
final class GoRegex {
  private static final Map<String, String> POSIX = Map.ofEntries(
      Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("ascii", "\\p{ASCII}"),
      Map.entry("blank", "\\p{Blank}"), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"),
      Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"),
      Map.entry("punct", "\\p{Punct}"), Map.entry("space", "\\s"), Map.entry("upper", "\\p{Upper}"),
      Map.entry("word", "\\w"), Map.entry("xdigit", "\\p{XDigit}"));

  private final String source;
  private final Pattern pattern;
  private final Map<String, Integer> groupNames;

  private GoRegex(String source, Pattern pattern, Map<String, Integer> groupNames) {
    this.source = source;
    this.pattern = pattern;
    this.groupNames = groupNames;
  }

  /**
   * Compiles {@code ^(?:source)$}.
   *
   * @throws IllegalArgumentException {@code error parsing regexp: ...} if it does not compile
   */
  static GoRegex compile(String source) {
    List<String> names = new ArrayList<>();
    String translated = translate(source, names);
    try {
      Pattern p = Pattern.compile("^(?:" + translated + ")$", Pattern.UNIX_LINES);
      Map<String, Integer> byName = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i) != null) byName.putIfAbsent(names.get(i), i + 1);
      }
      return new GoRegex(source, p, Collections.unmodifiableMap(byName));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("error parsing regexp: " + goDescription(e, source));
    }
  }

  /** Go's wording for the common mistakes, so messages read as Prometheus's; Java's otherwise. */
  private static String goDescription(PatternSyntaxException e, String source) {
    String anchored = "`^(?:" + source + ")$`";
    String d = e.getDescription();
    if (d.startsWith("Unclosed group")) return "missing closing ): " + anchored;
    if (d.startsWith("Unmatched closing ')'")) return "unexpected ): " + anchored;
    if (d.startsWith("Unclosed character class")) {
      int open = source.lastIndexOf('[');
      return "missing closing ]: `" + (open < 0 ? source : source.substring(open)) + ")$`";
    }
    if (d.startsWith("Dangling meta character")) {
      int i = e.getIndex() - 4; // the index is in the anchored pattern
      String op = i >= 0 && i < source.length() ? source.substring(i, i + 1) : "?";
      if (op.equals("+") || op.equals("*") || op.equals("?")) return "missing argument to repetition operator: `" + op + "`";
    }
    return d + ": " + anchored;
  }

  String source() {
    return source;
  }

  boolean matches(String s) {
    return pattern.matcher(s).matches();
  }

  /** A matcher that has matched the whole of {@code s}, or null. */
  Matcher match(String s) {
    Matcher m = pattern.matcher(s);
    return m.matches() ? m : null;
  }

  /** Go's {@code Regexp.ExpandString}: {@code $1}, {@code ${1}}, {@code $name}, {@code $$}. */
  String expand(String template, Matcher m) {
    if (template.indexOf('$') < 0) return template;
    StringBuilder out = new StringBuilder();
    int i = 0;
    int n = template.length();
    while (i < n) {
      char c = template.charAt(i);
      if (c != '$') {
        out.append(c);
        i++;
        continue;
      }
      i++;
      if (i < n && template.charAt(i) == '$') {
        out.append('$');
        i++;
        continue;
      }
      boolean brace = i < n && template.charAt(i) == '{';
      int start = brace ? i + 1 : i;
      int j = start;
      while (j < n && isNameChar(template.charAt(j))) j++;
      if (j == start || (brace && (j >= n || template.charAt(j) != '}'))) {
        out.append('$'); // malformed: Go keeps the '$' as text
        continue;
      }
      String name = template.substring(start, j);
      i = brace ? j + 1 : j;
      String value = group(m, name);
      if (value != null) out.append(value);
    }
    return out.toString();
  }

  private String group(Matcher m, String name) {
    int num = 0;
    for (int k = 0; k < name.length(); k++) {
      char ch = name.charAt(k);
      if (ch < '0' || ch > '9' || num >= 100_000_000) {
        num = -1;
        break;
      }
      num = num * 10 + (ch - '0');
    }
    if (name.length() > 1 && name.charAt(0) == '0') num = -1;
    if (num >= 0) return num <= m.groupCount() ? m.group(num) : null;
    Integer idx = groupNames.get(name);
    return idx == null ? null : m.group(idx);
  }

  private static String negated(String cls) {
    return cls.startsWith("\\p") ? "\\P" + cls.substring(2) : cls.toUpperCase(java.util.Locale.ROOT);
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /** Rewrites RE2-only syntax and records capturing group names in order (null for unnamed). */
  private static String translate(String re, List<String> groupNames) {
    StringBuilder out = new StringBuilder(re.length() + 8);
    boolean inClass = false;
    for (int i = 0; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '\\' && i + 1 < re.length()) {
        char next = re.charAt(i + 1);
        if (next == 'Q') {
          int e = re.indexOf("\\E", i + 2);
          int stop = e < 0 ? re.length() : e + 2;
          out.append(re, i, stop);
          i = stop - 1;
          continue;
        }
        out.append(c).append(next);
        i++;
        continue;
      }
      if (inClass) {
        if (c == '[' && re.startsWith("[:", i)) {
          int e = re.indexOf(":]", i + 2);
          if (e > 0) {
            String name = re.substring(i + 2, e);
            boolean negate = name.startsWith("^");
            String cls = POSIX.get(negate ? name.substring(1) : name);
            if (cls != null) {
              out.append(negate ? negated(cls) : cls);
              i = e + 1;
              continue;
            }
          }
          out.append("\\[");
          continue;
        }
        if (c == '[') {
          out.append("\\[");
          continue;
        }
        if (c == ']') inClass = false;
        out.append(c);
        continue;
      }
      if (c == '[') {
        inClass = true;
        out.append(c);
        // A ']' right after '[' or '[^' is a literal in both syntaxes.
        if (i + 1 < re.length() && re.charAt(i + 1) == '^') out.append(re.charAt(++i));
        if (i + 1 < re.length() && re.charAt(i + 1) == ']') {
          out.append("\\]");
          i++;
        }
        continue;
      }
      if (c == '(') {
        int prefix = re.startsWith("(?P<", i) ? 4
            : re.startsWith("(?<", i) && !re.startsWith("(?<=", i) && !re.startsWith("(?<!", i) ? 3 : 0;
        int e = prefix == 0 ? -1 : re.indexOf('>', i);
        if (e > 0) {
          // Named groups become plain groups (Java forbids '_' in group names); names are
          // resolved through groupNames instead.
          groupNames.add(re.substring(i + prefix, e));
          out.append('(');
          i = e;
          continue;
        }
        if (!re.startsWith("(?", i)) groupNames.add(null);
      }
      out.append(c);
    }
    return out.toString();
  }
}
