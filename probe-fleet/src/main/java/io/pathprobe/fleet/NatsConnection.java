package io.pathprobe.fleet;

import io.nats.client.AuthHandler;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.NKey;
import io.nats.client.Options;
import io.pathprobe.agent.internal.Tls;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * Where the broker is and how to prove who we are to it. Secrets never come from the command line: they are read
 * from an auth file ({@link #withAuthFile}) or the environment ({@link #fromEnvironment}).
 *
 * <p>The auth file is {@code key=value} lines ({@code #} comments), mode 600:
 * <pre>
 * token=SECRET                      # or:
 * user=office-1
 * password=SECRET                   # or:
 * nkey-seed-file=/etc/pathprobe/office-1.nk   # a file holding the user's NKey seed (SU...)
 * creds-file=/etc/pathprobe/office-1.creds    # or a JWT .creds file (decentralised auth)
 * tls-ca=/etc/pathprobe/nats-ca.pem           # trust this CA for the broker's TLS (tls:// URLs)
 * tls-cert=/etc/pathprobe/agent.pem           # with tls-key: a client certificate (mutual TLS)
 * tls-key=/etc/pathprobe/agent.key
 * </pre>
 *
 * @param url          {@code nats://HOST:PORT} or {@code tls://HOST:PORT}
 * @param token        a broker token, or {@code null}
 * @param user         a user name, or {@code null}
 * @param password     its password
 * @param nkeySeed     an NKey user seed, or {@code null}
 * @param credsFile    a JWT creds file, or {@code null}
 * @param tlsCa        a CA for the broker's certificate, or {@code null}
 * @param tlsCert      a client certificate, or {@code null}
 * @param tlsKey       its PKCS#8 key
 */
public record NatsConnection(URI url, String token, String user, String password, String nkeySeed, Path credsFile,
                             Path tlsCa, Path tlsCert, Path tlsKey) {
    public static final String URL_ENV = "PATHPROBE_NATS_URL";
    public static final String AUTH_FILE_ENV = "PATHPROBE_NATS_AUTH";
    public static final String TOKEN_ENV = "PATHPROBE_NATS_TOKEN";
    public static final URI DEFAULT_URL = URI.create("nats://127.0.0.1:4222");
    private static final Set<String> KEYS = Set.of("token", "user", "password", "nkey-seed-file", "creds-file",
            "tls-ca", "tls-cert", "tls-key");
    private static final long MAX_FILE = 64 * 1024;

    public NatsConnection {
        Objects.requireNonNull(url, "url");
        if (!List.of("nats", "tls").contains(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("broker URL " + url + " must be nats://HOST:PORT or tls://HOST:PORT");
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("broker URL " + url.getHost() + " must carry no user or password:"
                    + " give them in the auth file, never on the command line");
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("a broker user needs its password, and a password its user");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("a TLS client certificate needs its key, and a key its certificate");
        }
        int ways = (token != null ? 1 : 0) + (user != null ? 1 : 0) + (nkeySeed != null ? 1 : 0)
                + (credsFile != null ? 1 : 0);
        if (ways > 1) {
            throw new IllegalArgumentException("give one way to authenticate to the broker (token, user/password,"
                    + " NKey seed or creds file), not " + ways);
        }
    }

    /** The broker at {@code url}, no authentication yet. */
    public static NatsConnection to(URI url) {
        return new NatsConnection(url, null, null, null, null, null, null, null, null);
    }

    /**
     * The broker from {@value #URL_ENV} (default {@code nats://127.0.0.1:4222}), authenticated from the file named by
     * {@value #AUTH_FILE_ENV} or the token in {@value #TOKEN_ENV}.
     */
    public static NatsConnection fromEnvironment() {
        String u = System.getenv(URL_ENV);
        NatsConnection c = to(u == null || u.isBlank() ? DEFAULT_URL : URI.create(u.trim()));
        return c.withEnvironmentAuth();
    }

    /** This broker with the environment's authentication ({@value #AUTH_FILE_ENV}, then {@value #TOKEN_ENV}). */
    public NatsConnection withEnvironmentAuth() {
        String file = System.getenv(AUTH_FILE_ENV);
        if (file != null && !file.isBlank()) {
            return withAuthFile(Path.of(file.trim()));
        }
        String token = System.getenv(TOKEN_ENV);
        if (token != null && !token.isBlank()) {
            return new NatsConnection(url, token.trim(), null, null, null, null, null, null, null);
        }
        return this;
    }

    /**
     * This broker with the authentication in {@code file} (format in the class comment).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public NatsConnection withAuthFile(Path file) {
        Properties p = new Properties();
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new IllegalArgumentException("auth file " + file + " is larger than " + MAX_FILE
                        + " bytes: give the small key=value file");
            }
            p.load(new java.io.StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalArgumentException("auth file " + file + " cannot be read: " + e.getMessage(), e);
        }
        for (String k : p.stringPropertyNames()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("auth file " + file + ": unknown key '" + k + "'; use " + KEYS);
            }
        }
        Path base = file.toAbsolutePath().getParent();
        String seed = null;
        if (p.getProperty("nkey-seed-file") != null) {
            Path s = base.resolve(p.getProperty("nkey-seed-file").trim());
            try {
                seed = Files.readString(s, StandardCharsets.US_ASCII).lines().map(String::trim)
                        .filter(l -> l.startsWith("SU")).findFirst().orElseThrow(() ->
                                new IllegalArgumentException("nkey-seed-file " + s + " holds no user seed (SU...)"));
            } catch (IOException e) {
                throw new IllegalArgumentException("nkey-seed-file " + s + " cannot be read: " + e.getMessage(), e);
            }
        }
        return new NatsConnection(url, trim(p, "token"), trim(p, "user"), trim(p, "password"), seed,
                path(base, p, "creds-file"), path(base, p, "tls-ca"), path(base, p, "tls-cert"),
                path(base, p, "tls-key"));
    }

    private static String trim(Properties p, String k) {
        String v = p.getProperty(k);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static Path path(Path base, Properties p, String k) {
        String v = trim(p, k);
        if (v == null) {
            return null;
        }
        Path f = base.resolve(v);
        if (!Files.isReadable(f)) {
            throw new IllegalArgumentException(k + " " + f + ": no such readable file");
        }
        return f;
    }

    /**
     * Connects, retrying the first connection for {@code connectWait}; afterwards the client reconnects for ever
     * (every 250 ms to 2 s), re-subscribing and resending what it buffered meanwhile.
     *
     * @throws IOException when the broker cannot be reached or refuses us within {@code connectWait}
     */
    public Connection connect(String connectionName, Duration connectWait, ConnectionListener connections,
                              ErrorListener errors) throws IOException {
        Options.Builder b = new Options.Builder().server(url.toString()).connectionName(connectionName)
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(250)).connectionTimeout(Duration.ofSeconds(2))
                .pingInterval(Duration.ofSeconds(2)).maxPingsOut(2).reconnectBufferSize(64L * 1024 * 1024);
        if (connections != null) {
            b.connectionListener(connections);
        }
        // The client's default listener logs every reconnect attempt as SEVERE: callers say what matters to them.
        b.errorListener(errors != null ? errors : new ErrorListener() { });
        if (token != null) {
            b.token(token.toCharArray());
        } else if (user != null) {
            b.userInfo(user.toCharArray(), password.toCharArray());
        } else if (nkeySeed != null) {
            b.authHandler(new SeedAuth(nkeySeed.toCharArray()));
        } else if (credsFile != null) {
            b.authHandler(Nats.credentials(credsFile.toString()));
        }
        if ("tls".equals(url.getScheme()) || tlsCa != null || tlsCert != null) {
            b.sslContext(Tls.clientContext(tlsCa, tlsCert, tlsKey));
        }
        Options o = b.build();
        long deadline = System.nanoTime() + connectWait.toNanos();
        IOException last = null;
        while (true) {
            try {
                return Nats.connect(o);
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to " + url, e);
            }
            String m = String.valueOf(last.getMessage());
            if (m.toLowerCase().contains("authoriz") || System.nanoTime() > deadline) {
                throw new IOException("cannot connect to the broker at " + url + ": " + m
                        + (m.toLowerCase().contains("authoriz") ? " (check the auth file's user, token or key)"
                        : " (is nats-server running there and reachable from here?)"), last);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to " + url, e);
            }
        }
    }

    @Override
    public String toString() {
        return "NatsConnection[" + url + ", auth=" + (token != null ? "token" : user != null ? "user " + user
                : nkeySeed != null ? "nkey" : credsFile != null ? "creds " + credsFile : "none") + "]";
    }

    /** NKey (seed only, no JWT) authentication: the server's nonce signed with the user's key. */
    private static final class SeedAuth implements AuthHandler {
        private final char[] seed;

        SeedAuth(char[] seed) {
            this.seed = seed;
        }

        @Override
        public byte[] sign(byte[] nonce) {
            try {
                return NKey.fromSeed(seed).sign(nonce);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("the NKey seed cannot sign: " + e.getMessage(), e);
            }
        }

        @Override
        public char[] getID() {
            try {
                return NKey.fromSeed(seed).getPublicKey();
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("the NKey seed is not a valid user seed: " + e.getMessage(), e);
            }
        }

        @Override
        public char[] getJWT() {
            return null;
        }
    }

}
