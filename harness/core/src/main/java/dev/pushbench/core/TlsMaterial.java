package dev.pushbench.core;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS identity of a server for the {@code https1.1} and {@code h2} cells: a self-signed
 * certificate made at run time (no private key is ever stored in the repository), with its key in
 * an in-memory key store. The server process makes one at start and hands the certificate (not the
 * key) to the load generator, which trusts exactly that certificate: no trust-all client.
 *
 * <pre>
 *   TlsMaterial tls = TlsMaterial.selfSigned("127.0.0.1");       // server side
 *   String pem = tls.certificatePem();                            // to the client, in load.json
 *   KeyStore trust = TlsMaterial.trustStore(pem);                 // client side
 * </pre>
 *
 * <p>The key is EC P-256 with an ECDSA-SHA256 signature: what a CDN or a modern server presents, so
 * handshake cost is representative.
 */
public final class TlsMaterial {
    /** The alias of the key entry in {@link #keyStore()}. */
    public static final String ALIAS = "pushbench";

    private final KeyStore keyStore;
    private final char[] password;
    private final X509Certificate certificate;

    private TlsMaterial(KeyStore keyStore, char[] password, X509Certificate certificate) {
        this.keyStore = keyStore;
        this.password = password;
        this.certificate = certificate;
    }

    /** A fresh key pair and a certificate for {@code host} (an IP address or a DNS name), valid for a day. */
    public static TlsMaterial selfSigned(String host) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            X500Name name = new X500Name("CN=pushbench " + host);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic());
            boolean ip = host.matches("[0-9.]+") || host.contains(":");
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host)));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            char[] password = Long.toHexString(new SecureRandom().nextLong()).toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, keys.getPrivate(), password, new java.security.cert.Certificate[] {certificate});
            return new TlsMaterial(store, password, certificate);
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate for " + host + ": " + e.getMessage(), e);
        }
    }

    /** The key store holding the key and certificate under {@link #ALIAS}. */
    public KeyStore keyStore() {
        return keyStore;
    }

    /** The key store's and the key's password. */
    public char[] password() {
        return password.clone();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The certificate, PEM-encoded: what the client is given to trust. */
    public String certificatePem() {
        try {
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The private key, PEM-encoded as PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}): for a process that
     * reads keys from files, such as a proxy terminating TLS in front of the server. Whoever writes it to
     * a file keeps that file readable by its owner only.
     */
    public String privateKeyPem() {
        try {
            java.security.Key key = keyStore.getKey(ALIAS, password);
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
            return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the private key: " + e.getMessage(), e);
        }
    }

    /** A trust store holding only the PEM certificate {@code pem}. */
    public static KeyStore trustStore(String pem) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            X509Certificate cert = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry(ALIAS, cert);
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
    }
}
