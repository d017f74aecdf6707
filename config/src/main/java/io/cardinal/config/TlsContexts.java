package io.cardinal.config;

import io.cardinal.config.Config.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side of a {@code tls_config}, as every Cardinal client uses it (scraping, HTTP
 * discovery, Alertmanager, remote write): the CA file to trust, the client certificate and its
 * PKCS#8 key, or {@code insecure_skip_verify}. Beside {@link HttpAuth}, the other half of a
 * client's configured credentials.
 */
public final class TlsContexts {
  private TlsContexts() {}

  /** An SSL context for {@code tls}; an unreadable or invalid file is an IOException naming it. */
  public static SSLContext of(TlsConfig tls) throws IOException {
    try {
      TrustManager[] tms;
      if (tls.insecureSkipVerify()) {
        tms = new TrustManager[] {new TrustAll()};
      } else if (!tls.caFile().isEmpty()) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (Certificate c : readCerts(Path.of(tls.caFile()))) {
          ks.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        tms = tmf.getTrustManagers();
      } else {
        tms = null;
      }
      KeyManagerFactory kmf = null;
      if (!tls.certFile().isEmpty()) {
        List<Certificate> chain = readCerts(Path.of(tls.certFile()));
        PrivateKey key = readKey(Path.of(tls.keyFile()));
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setKeyEntry("client", key, new char[0], chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tms, null);
      return ctx;
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("invalid tls_config: " + e.getMessage(), e);
    }
  }

  private static List<Certificate> readCerts(Path p) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    try (InputStream in = Files.newInputStream(p)) {
      return new ArrayList<>(cf.generateCertificates(in));
    }
  }

  private static PrivateKey readKey(Path p) throws Exception {
    String pem = Files.readString(p, StandardCharsets.US_ASCII);
    if (!pem.contains("BEGIN PRIVATE KEY")) {
      throw new IOException(
          "key_file " + p + ": only unencrypted PKCS#8 PEM keys (BEGIN PRIVATE KEY) are supported");
    }
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(b64);
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (Exception e) {
        // try the next algorithm
      }
    }
    throw new IOException("key_file " + p + ": unsupported key algorithm");
  }

  /**
   * insecure_skip_verify: accepts any certificate. Being an X509ExtendedTrustManager it also
   * replaces the JDK's hostname check, which lives in the trust manager.
   */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
