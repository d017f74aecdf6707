package io.cardinal.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.cardinal.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Prometheus's web configuration file ({@code --web.config.file}): {@code tls_server_config}
 * (served with the JDK's HttpsServer), {@code basic_auth_users} (bcrypt hashes, checked on every
 * request) and {@code http_server_config.headers}. Read and validated once at start: any error
 * (unknown field, missing or unreadable certificate, bad hash) stops the server with a message
 * naming the field.
 */
public final class WebConfig {
  /** Go's crypto/tls client authentication policies, by their names in the file. */
  public enum ClientAuth {
    NoClientCert(false, false, false),
    RequestClientCert(true, false, false),
    RequireAnyClientCert(true, true, false),
    VerifyClientCertIfGiven(true, false, true),
    RequireAndVerifyClientCert(true, true, true);

    final boolean want;
    final boolean need;
    final boolean verify;

    ClientAuth(boolean want, boolean need, boolean verify) {
      this.want = want;
      this.need = need;
      this.verify = verify;
    }
  }

  private static final Map<String, String> TLS_VERSIONS =
      Map.of("TLS10", "TLSv1", "TLS11", "TLSv1.1", "TLS12", "TLSv1.2", "TLS13", "TLSv1.3");
  private static final List<String> TLS_ORDER = List.of("TLS10", "TLS11", "TLS12", "TLS13");
  private static final Set<String> HEADERS =
      Set.of(
          "Content-Security-Policy",
          "X-Frame-Options",
          "X-Content-Type-Options",
          "X-XSS-Protection",
          "Strict-Transport-Security");

  /** Null without tls_server_config: plain HTTP. */
  private final SSLContext sslContext;

  private final SSLParameters sslParameters;
  private final Map<String, byte[]> users;
  private final Map<String, String> headers;

  /**
   * Credentials that verified, by a digest of user, password and hash: bcrypt is slow on purpose.
   */
  private final Map<String, Boolean> verified = new ConcurrentHashMap<>();

  /** Compared against for unknown users, so that their answer takes as long as a known user's. */
  private static final byte[] DUMMY_HASH =
      BCrypt.withDefaults()
          .hash(10, new byte[16], "cardinal-dummy".getBytes(StandardCharsets.UTF_8));

  private WebConfig(
      SSLContext sslContext,
      SSLParameters sslParameters,
      Map<String, byte[]> users,
      Map<String, String> headers) {
    this.sslContext = sslContext;
    this.sslParameters = sslParameters;
    this.users = users;
    this.headers = headers;
  }

  /** Thrown for an invalid web configuration file; the message names the field. */
  public static final class InvalidWebConfig extends IOException {
    InvalidWebConfig(String msg) {
      super(msg);
    }

    InvalidWebConfig(String msg, Throwable cause) {
      super(msg, cause);
    }
  }

  public boolean tls() {
    return sslContext != null;
  }

  public SSLContext sslContext() {
    return sslContext;
  }

  public SSLParameters sslParameters() {
    return sslParameters;
  }

  public boolean basicAuth() {
    return !users.isEmpty();
  }

  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Whether an {@code Authorization} header value carries a configured user and a matching
   * password.
   */
  public boolean authorized(String authorization) {
    if (users.isEmpty()) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String user = decoded.substring(0, colon);
    byte[] password = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
    byte[] hash = users.get(user);
    if (hash == null) {
      BCrypt.verifyer().verify(password, DUMMY_HASH);
      return false;
    }
    String key = cacheKey(user, password, hash);
    if (verified.containsKey(key)) {
      return true;
    }
    boolean ok = BCrypt.verifyer().verify(password, hash).verified;
    if (ok) {
      if (verified.size() > 1_000) {
        verified.clear();
      }
      verified.put(key, Boolean.TRUE);
    }
    return ok;
  }

  private static String cacheKey(String user, byte[] password, byte[] hash) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(user.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(password);
      d.update((byte) 0);
      d.update(hash);
      return Base64.getEncoder().encodeToString(d.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads and validates the file; relative certificate paths are relative to the file's directory.
   */
  public static WebConfig load(Path file) throws InvalidWebConfig {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidWebConfig("cannot read " + file + ": " + e.getMessage(), e);
    }
    Path base = file.toAbsolutePath().getParent();
    Object root;
    try {
      root = new Yaml(new SafeConstructor(ConfigLoader.yamlOptions())).load(text);
    } catch (RuntimeException e) {
      throw new InvalidWebConfig("invalid YAML: " + e.getMessage().replace('\n', ' '), e);
    }
    if (root == null) {
      root = Map.of();
    }
    Map<String, Object> top = map(root, "web configuration");
    known(top, "web configuration", "tls_server_config", "http_server_config", "basic_auth_users");
    SSLContext ctx = null;
    SSLParameters params = null;
    if (top.get("tls_server_config") != null) {
      Map<String, Object> tls = map(top.get("tls_server_config"), "tls_server_config");
      known(
          tls,
          "tls_server_config",
          "cert_file",
          "key_file",
          "client_auth_type",
          "client_ca_file",
          "min_version",
          "max_version",
          "prefer_server_cipher_suites");
      String certFile = string(tls, "cert_file");
      String keyFile = string(tls, "key_file");
      if (certFile == null || certFile.isEmpty()) {
        throw new InvalidWebConfig("tls_server_config: missing cert_file");
      }
      if (keyFile == null || keyFile.isEmpty()) {
        throw new InvalidWebConfig("tls_server_config: missing key_file");
      }
      String authName = string(tls, "client_auth_type");
      ClientAuth auth;
      try {
        auth =
            authName == null || authName.isEmpty()
                ? ClientAuth.NoClientCert
                : ClientAuth.valueOf(authName);
      } catch (IllegalArgumentException e) {
        throw new InvalidWebConfig(
            "tls_server_config: invalid client_auth_type \""
                + authName
                + "\" (one of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, "
                + "RequireAndVerifyClientCert)");
      }
      String caFile = string(tls, "client_ca_file");
      boolean hasCa = caFile != null && !caFile.isEmpty();
      if (hasCa && auth == ClientAuth.NoClientCert) {
        throw new InvalidWebConfig(
            "tls_server_config: client_ca_file is set but client_auth_type is NoClientCert "
                + "(use RequireAndVerifyClientCert)");
      }
      if (!hasCa && auth.verify) {
        throw new InvalidWebConfig(
            "tls_server_config: client_auth_type " + auth + " needs client_ca_file");
      }
      String minV = version(tls, "min_version", "TLS12");
      String maxV = version(tls, "max_version", "TLS13");
      if (TLS_ORDER.indexOf(minV) > TLS_ORDER.indexOf(maxV)) {
        throw new InvalidWebConfig(
            "tls_server_config: min_version " + minV + " is above max_version " + maxV);
      }
      ctx =
          sslContext(
              resolve(base, certFile),
              resolve(base, keyFile),
              auth,
              hasCa ? resolve(base, caFile) : null);
      params = ctx.getDefaultSSLParameters();
      List<String> protocols = new ArrayList<>();
      for (String v : TLS_ORDER.subList(TLS_ORDER.indexOf(minV), TLS_ORDER.indexOf(maxV) + 1)) {
        protocols.add(TLS_VERSIONS.get(v));
      }
      params.setProtocols(protocols.toArray(new String[0]));
      if (auth.need) {
        params.setNeedClientAuth(true);
      } else if (auth.want) {
        params.setWantClientAuth(true);
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (top.get("http_server_config") != null) {
      Map<String, Object> hs = map(top.get("http_server_config"), "http_server_config");
      known(hs, "http_server_config", "http2", "headers");
      if (hs.get("headers") != null) {
        Map<String, Object> h = map(hs.get("headers"), "http_server_config.headers");
        for (Map.Entry<String, Object> e : h.entrySet()) {
          if (!HEADERS.contains(e.getKey())) {
            throw new InvalidWebConfig(
                "http_server_config.headers: header "
                    + e.getKey()
                    + " is not allowed "
                    + "(one of "
                    + String.join(", ", new java.util.TreeSet<>(HEADERS))
                    + ")");
          }
          if (e.getValue() != null && !e.getValue().toString().isEmpty()) {
            headers.put(e.getKey(), e.getValue().toString());
          }
        }
      }
    }
    Map<String, byte[]> users = new LinkedHashMap<>();
    if (top.get("basic_auth_users") != null) {
      Map<String, Object> u = map(top.get("basic_auth_users"), "basic_auth_users");
      for (Map.Entry<String, Object> e : u.entrySet()) {
        String hash = e.getValue() == null ? "" : e.getValue().toString();
        if (!hash.matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
          throw new InvalidWebConfig(
              "basic_auth_users: the password of user \""
                  + e.getKey()
                  + "\" is not a bcrypt hash ($2y$10$... with 53 characters of salt and hash)");
        }
        int cost =
            Integer.parseInt(hash.substring(hash.indexOf('$', 1) + 1, hash.indexOf('$', 1) + 3));
        if (cost < 4 || cost > 31) {
          throw new InvalidWebConfig(
              "basic_auth_users: the bcrypt cost of user \""
                  + e.getKey()
                  + "\" must be between 4 and 31, not "
                  + cost);
        }
        users.put(e.getKey(), hash.getBytes(StandardCharsets.US_ASCII));
      }
    }
    return new WebConfig(ctx, params, users, headers);
  }

  private static Path resolve(Path base, String p) {
    Path path = Path.of(p);
    return path.isAbsolute() || base == null ? path : base.resolve(path);
  }

  private static String version(Map<String, Object> tls, String field, String dflt)
      throws InvalidWebConfig {
    String v = string(tls, field);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    if (!TLS_VERSIONS.containsKey(v)) {
      throw new InvalidWebConfig(
          "tls_server_config: unknown TLS version "
              + field
              + ": "
              + v
              + " (one of TLS10, TLS11, TLS12, TLS13)");
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String what) throws InvalidWebConfig {
    if (!(o instanceof Map)) {
      throw new InvalidWebConfig(what + ": expected a mapping, got " + o);
    }
    for (Object k : ((Map<Object, Object>) o).keySet()) {
      if (!(k instanceof String)) {
        throw new InvalidWebConfig(what + ": keys must be strings, got " + k);
      }
    }
    return (Map<String, Object>) o;
  }

  private static void known(Map<String, Object> m, String where, String... fields)
      throws InvalidWebConfig {
    Set<String> ok = Set.of(fields);
    for (String k : m.keySet()) {
      if (!ok.contains(k)) {
        throw new InvalidWebConfig(
            "field "
                + k
                + " not found in "
                + where
                + (where.equals("tls_server_config")
                        && Set.of("cipher_suites", "curve_preferences", "client_allowed_sans")
                            .contains(k)
                    ? " (not supported by Cardinal)"
                    : ""));
      }
    }
  }

  private static String string(Map<String, Object> m, String field) throws InvalidWebConfig {
    Object v = m.get(field);
    if (v == null) {
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      throw new InvalidWebConfig(field + ": expected a string");
    }
    return v.toString();
  }

  private static SSLContext sslContext(Path certFile, Path keyFile, ClientAuth auth, Path caFile)
      throws InvalidWebConfig {
    List<Certificate> chain = readCerts(certFile, "cert_file");
    if (chain.isEmpty()) {
      throw new InvalidWebConfig(
          "tls_server_config: cert_file " + certFile + " holds no certificate");
    }
    PrivateKey key = readKey(keyFile);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] pw = new char[0];
      ks.setKeyEntry("server", key, pw, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      TrustManager[] tms = null;
      if (auth.want && !auth.verify) {
        tms = new TrustManager[] {new AnyClientCert()};
      } else if (auth.verify) {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate c : readCerts(caFile, "client_ca_file")) {
          trust.setCertificateEntry("ca" + i++, c);
        }
        if (i == 0) {
          throw new InvalidWebConfig(
              "tls_server_config: client_ca_file " + caFile + " holds no certificate");
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        tms = tmf.getTrustManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tms, null);
      return ctx;
    } catch (InvalidWebConfig e) {
      throw e;
    } catch (Exception e) {
      throw new InvalidWebConfig(
          "tls_server_config: cert_file "
              + certFile
              + " and key_file "
              + keyFile
              + " cannot be used together: "
              + e.getMessage(),
          e);
    }
  }

  private static List<Certificate> readCerts(Path p, String field) throws InvalidWebConfig {
    try (InputStream in = Files.newInputStream(p)) {
      return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
    } catch (Exception e) {
      throw new InvalidWebConfig(
          "tls_server_config: cannot read " + field + " " + p + ": " + e.getMessage(), e);
    }
  }

  private static PrivateKey readKey(Path p) throws InvalidWebConfig {
    String pem;
    try {
      pem = Files.readString(p, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new InvalidWebConfig(
          "tls_server_config: cannot read key_file " + p + ": " + e.getMessage(), e);
    }
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new InvalidWebConfig(
          "tls_server_config: key_file "
              + p
              + ": only unencrypted PKCS#8 PEM keys "
              + "(BEGIN PRIVATE KEY) are supported");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
    } catch (IllegalArgumentException e) {
      throw new InvalidWebConfig("tls_server_config: key_file " + p + ": bad base64", e);
    }
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (Exception e) {
        // the next algorithm
      }
    }
    throw new InvalidWebConfig(
        "tls_server_config: key_file " + p + ": not an RSA, EC or Ed25519 key");
  }

  /**
   * RequestClientCert / RequireAnyClientCert: a client certificate is asked for but not verified,
   * as in Go.
   */
  private static final class AnyClientCert implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
