package io.cardinal.template;

/** Go's {@code net.SplitHostPort}, {@code net.JoinHostPort} and {@code net.ParseIP}. */
final class GoNet {
  private GoNet() {}

  /** {host, port}, or null where Go returns an error. */
  static String[] splitHostPort(String hostport) {
    int i = hostport.lastIndexOf(':');
    if (i < 0) {
      return null;
    }
    String host;
    int j = 0;
    int k = 0;
    if (hostport.charAt(0) == '[') {
      int end = hostport.indexOf(']');
      if (end < 0) {
        return null;
      }
      if (end + 1 == hostport.length()) {
        return null;
      } else if (end + 1 != i) {
        return null;
      }
      host = hostport.substring(1, end);
      j = 1;
      k = end + 1;
    } else {
      host = hostport.substring(0, i);
      if (host.indexOf(':') >= 0) {
        return null;
      }
    }
    if (hostport.indexOf('[', j) >= 0) {
      return null;
    }
    if (hostport.indexOf(']', k) >= 0) {
      return null;
    }
    return new String[] {host, hostport.substring(i + 1)};
  }

  static String joinHostPort(String host, String port) {
    if (host.indexOf(':') >= 0) {
      return "[" + host + "]:" + port;
    }
    return host + ":" + port;
  }

  /** Whether Go's {@code net.ParseIP} accepts {@code s} (dotted IPv4 or IPv6, no zone). */
  static boolean isIp(String s) {
    return isIpv4(s) || isIpv6(s);
  }

  private static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return false;
      }
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) < '0' || p.charAt(i) > '9') {
          return false;
        }
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv6(String s) {
    if (s.isEmpty()) {
      return false;
    }
    int ellipsis = s.indexOf("::");
    if (ellipsis >= 0 && s.indexOf("::", ellipsis + 1) >= 0) {
      return false;
    }
    String[] halves =
        ellipsis >= 0
            ? new String[] {s.substring(0, ellipsis), s.substring(ellipsis + 2)}
            : new String[] {s};
    int groups = 0;
    for (int h = 0; h < halves.length; h++) {
      String part = halves[h];
      if (part.isEmpty()) {
        continue;
      }
      String[] gs = part.split(":", -1);
      for (int g = 0; g < gs.length; g++) {
        String x = gs[g];
        boolean last = h == halves.length - 1 && g == gs.length - 1;
        if (last && x.indexOf('.') >= 0) {
          if (!isIpv4(x)) {
            return false;
          }
          groups += 2;
          continue;
        }
        if (x.isEmpty() || x.length() > 4) {
          return false;
        }
        for (int i = 0; i < x.length(); i++) {
          if (Character.digit(x.charAt(i), 16) < 0 || x.charAt(i) > 0x7f) {
            return false;
          }
        }
        groups++;
      }
    }
    return ellipsis >= 0 ? groups < 8 : groups == 8;
  }
}
