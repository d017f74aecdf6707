package io.cardinal.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1 made with the JDK's keytool, for tests of TLS clients and
 * servers: the PKCS12 key store (password {@code changeit}), the certificate as PEM (a client's
 * {@code ca_file}), and a server {@link SSLContext}.
 */
public final class TestCertificate {
  public static final String PASSWORD = "changeit";

  private final Path keyStore;
  private final Path certificatePem;

  private TestCertificate(Path keyStore, Path certificatePem) {
    this.keyStore = keyStore;
    this.certificatePem = certificatePem;
  }

  /** Creates {@code NAME.p12} and {@code NAME.pem} in {@code dir} for subject {@code CN=cn}. */
  public static TestCertificate create(Path dir, String name, String cn) throws IOException {
    Path ks = dir.resolve(name + ".p12");
    Path pem = dir.resolve(name + ".pem");
    keytool(
        "-genkeypair",
        "-keystore",
        ks.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD,
        "-alias",
        "k",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=" + cn,
        "-validity",
        "2",
        "-ext",
        "san=ip:127.0.0.1");
    keytool(
        "-exportcert",
        "-rfc",
        "-keystore",
        ks.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD,
        "-alias",
        "k",
        "-file",
        pem.toString());
    return new TestCertificate(ks, pem);
  }

  public Path keyStore() {
    return keyStore;
  }

  /** The certificate in PEM, to trust it ({@code ca_file}) or serve it ({@code cert_file}). */
  public Path certificatePem() {
    return certificatePem;
  }

  /** A TLS context serving this certificate. */
  public SSLContext serverContext() throws IOException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keyStore)) {
        store.load(in, PASSWORD.toCharArray());
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, PASSWORD.toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load " + keyStore + ": " + e.getMessage(), e);
    }
  }

  /** Runs the JDK's keytool; fails with its output. */
  public static void keytool(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running keytool", e);
    }
  }
}
