package io.cardinal.template;

import io.cardinal.template.Fn.T;

/**
 * The methods templates can call on values: those of Go's {@code time.Time} and {@code
 * time.Duration} that take no arguments or only a layout ({@code (toTime .).Format "2006"}).
 */
final class Methods {
  private Methods() {}

  static Fn lookup(Object receiver, String name) {
    if (receiver instanceof GoTime t) {
      return time(t, name);
    }
    if (receiver instanceof GoDuration d) {
      return duration(d, name);
    }
    return null;
  }

  private static Fn time(GoTime t, String name) {
    return switch (name) {
      case "Format" -> Fn.of(name, (ex, a) -> t.format((String) a[0]), T.STRING);
      case "String" -> Fn.of(name, (ex, a) -> t.goString());
      case "Unix" -> Fn.of(name, (ex, a) -> t.unix());
      case "UnixMilli" -> Fn.of(name, (ex, a) -> Math.floorDiv(t.unixNano(), 1_000_000L));
      case "UnixMicro" -> Fn.of(name, (ex, a) -> Math.floorDiv(t.unixNano(), 1_000L));
      case "UnixNano" -> Fn.of(name, (ex, a) -> t.unixNano());
      case "UTC", "Local" -> Fn.of(name, (ex, a) -> t);
      case "Year" -> Fn.of(name, (ex, a) -> (long) t.dateTime().getYear());
      case "YearDay" -> Fn.of(name, (ex, a) -> (long) t.dateTime().getDayOfYear());
      case "Day" -> Fn.of(name, (ex, a) -> (long) t.dateTime().getDayOfMonth());
      case "Hour" -> Fn.of(name, (ex, a) -> (long) t.dateTime().getHour());
      case "Minute" -> Fn.of(name, (ex, a) -> (long) t.dateTime().getMinute());
      case "Second" -> Fn.of(name, (ex, a) -> (long) t.dateTime().getSecond());
      case "Nanosecond" -> Fn.of(name, (ex, a) -> (long) t.nanos);
      case "IsZero" -> Fn.of(name, (ex, a) -> t.sec == -62135596800L && t.nanos == 0);
      default -> null;
    };
  }

  private static Fn duration(GoDuration d, String name) {
    return switch (name) {
      case "String" -> Fn.of(name, (ex, a) -> d.goString());
      case "Seconds" -> Fn.of(name, (ex, a) -> d.seconds());
      case "Minutes" -> Fn.of(name, (ex, a) -> d.minutes());
      case "Hours" -> Fn.of(name, (ex, a) -> d.hours());
      case "Milliseconds" -> Fn.of(name, (ex, a) -> d.nanos / 1_000_000L);
      case "Microseconds" -> Fn.of(name, (ex, a) -> d.nanos / 1_000L);
      case "Nanoseconds" -> Fn.of(name, (ex, a) -> d.nanos);
      default -> null;
    };
  }
}
