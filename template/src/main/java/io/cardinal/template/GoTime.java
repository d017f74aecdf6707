package io.cardinal.template;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Go's {@code *time.Time} in UTC, as {@code toTime} returns it: printed with Go's {@code
 * Time.String} layout, and formatted with Go's reference-time layouts ({@code .Format
 * "2006-01-02"}).
 */
final class GoTime implements Values.GoTyped, Values.Stringer {
  private static final String STRING_LAYOUT = "2006-01-02 15:04:05.999999999 -0700 MST";
  private static final String[] LONG_DAYS = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
  };
  private static final String[] LONG_MONTHS = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December"
  };

  final long sec;
  final int nanos;

  private GoTime(long sec, int nanos) {
    this.sec = sec;
    this.nanos = nanos;
  }

  /** A time from seconds and (possibly negative or oversized) nanoseconds, normalised. */
  static GoTime of(long sec, long nanos) {
    sec += Math.floorDiv(nanos, 1_000_000_000L);
    return new GoTime(sec, (int) Math.floorMod(nanos, 1_000_000_000L));
  }

  @Override
  public String goType() {
    return "*time.Time";
  }

  @Override
  public String goString() {
    return format(STRING_LAYOUT);
  }

  @Override
  public String toString() {
    return goString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GoTime t && t.sec == sec && t.nanos == nanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(sec) * 31 + nanos;
  }

  LocalDateTime dateTime() {
    return LocalDateTime.ofEpochSecond(sec, nanos, ZoneOffset.UTC);
  }

  /** Go's {@code Time.Format}, for the UTC zone. */
  String format(String layout) {
    LocalDateTime t = dateTime();
    StringBuilder b = new StringBuilder();
    int i = 0;
    int n = layout.length();
    while (i < n) {
      char c = layout.charAt(i);
      int len = 0;
      String out = null;
      switch (c) {
        case 'J':
          if (layout.startsWith("January", i)) {
            len = 7;
            out = LONG_MONTHS[t.getMonthValue() - 1];
          } else if (layout.startsWith("Jan", i) && !lowerAt(layout, i + 3)) {
            len = 3;
            out = LONG_MONTHS[t.getMonthValue() - 1].substring(0, 3);
          }
          break;
        case 'M':
          if (layout.startsWith("Monday", i)) {
            len = 6;
            out = LONG_DAYS[t.getDayOfWeek().getValue() - 1];
          } else if (layout.startsWith("Mon", i) && !lowerAt(layout, i + 3)) {
            len = 3;
            out = LONG_DAYS[t.getDayOfWeek().getValue() - 1].substring(0, 3);
          } else if (layout.startsWith("MST", i)) {
            len = 3;
            out = "UTC";
          }
          break;
        case '0':
          if (i + 1 < n && layout.charAt(i + 1) >= '1' && layout.charAt(i + 1) <= '6') {
            len = 2;
            out =
                switch (layout.charAt(i + 1)) {
                  case '1' -> pad(t.getMonthValue(), 2, '0');
                  case '2' -> pad(t.getDayOfMonth(), 2, '0');
                  case '3' -> pad(hour12(t), 2, '0');
                  case '4' -> pad(t.getMinute(), 2, '0');
                  case '5' -> pad(t.getSecond(), 2, '0');
                  default -> pad(Math.floorMod(t.getYear(), 100), 2, '0');
                };
          } else if (layout.startsWith("002", i)) {
            len = 3;
            out = pad(t.getDayOfYear(), 3, '0');
          }
          break;
        case '1':
          if (layout.startsWith("15", i)) {
            len = 2;
            out = pad(t.getHour(), 2, '0');
          } else {
            len = 1;
            out = Integer.toString(t.getMonthValue());
          }
          break;
        case '2':
          if (layout.startsWith("2006", i)) {
            len = 4;
            out = year(t.getYear());
          } else {
            len = 1;
            out = Integer.toString(t.getDayOfMonth());
          }
          break;
        case '_':
          if (layout.startsWith("_2", i)) {
            if (layout.startsWith("_2006", i)) {
              len = 5;
              out = "_" + year(t.getYear());
            } else {
              len = 2;
              out = pad(t.getDayOfMonth(), 2, ' ');
            }
          } else if (layout.startsWith("__2", i)) {
            len = 3;
            out = pad(t.getDayOfYear(), 3, ' ');
          }
          break;
        case '3':
          len = 1;
          out = Integer.toString(hour12(t));
          break;
        case '4':
          len = 1;
          out = Integer.toString(t.getMinute());
          break;
        case '5':
          len = 1;
          out = Integer.toString(t.getSecond());
          break;
        case 'P':
          if (layout.startsWith("PM", i)) {
            len = 2;
            out = t.getHour() >= 12 ? "PM" : "AM";
          }
          break;
        case 'p':
          if (layout.startsWith("pm", i)) {
            len = 2;
            out = t.getHour() >= 12 ? "pm" : "am";
          }
          break;
        case '-':
        case 'Z':
          for (String z : new String[] {"070000", "07:00:00", "0700", "07:00", "07"}) {
            if (layout.startsWith(z, i + 1)) {
              len = 1 + z.length();
              out = c == 'Z' ? "Z" : "+" + z.replaceAll("[0-9]", "0");
              break;
            }
          }
          break;
        case '.':
        case ',':
          if (i + 1 < n && (layout.charAt(i + 1) == '0' || layout.charAt(i + 1) == '9')) {
            char ch = layout.charAt(i + 1);
            int j = i + 1;
            while (j < n && layout.charAt(j) == ch) {
              j++;
            }
            if (!(j < n && layout.charAt(j) >= '0' && layout.charAt(j) <= '9')) {
              len = j - i;
              out = fraction(c, j - i - 1, ch == '9');
            }
          }
          break;
        default:
          break;
      }
      if (out == null) {
        b.append(c);
        i++;
      } else {
        b.append(out);
        i += len;
      }
    }
    return b.toString();
  }

  private static boolean lowerAt(String s, int i) {
    return i < s.length() && s.charAt(i) >= 'a' && s.charAt(i) <= 'z';
  }

  private static int hour12(LocalDateTime t) {
    int h = t.getHour() % 12;
    return h == 0 ? 12 : h;
  }

  private static String year(int y) {
    return y < 0 ? "-" + pad(-y, 4, '0') : pad(y, 4, '0');
  }

  private static String pad(int v, int width, char padChar) {
    StringBuilder s = new StringBuilder(Integer.toString(v));
    while (s.length() < width) {
      s.insert(0, padChar);
    }
    return s.toString();
  }

  private String fraction(char sep, int digits, boolean trim) {
    String all = pad(nanos, 9, '0');
    String f = all.substring(0, Math.min(digits, 9));
    if (trim) {
      int e = f.length();
      while (e > 0 && f.charAt(e - 1) == '0') {
        e--;
      }
      f = f.substring(0, e);
      if (f.isEmpty()) {
        return "";
      }
    }
    return sep + f;
  }

  /** Go's {@code Time.Unix}. */
  long unix() {
    return sec;
  }

  long unixNano() {
    return sec * 1_000_000_000L + nanos;
  }
}
