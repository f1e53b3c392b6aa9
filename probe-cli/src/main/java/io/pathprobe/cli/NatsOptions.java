package io.pathprobe.cli;

import io.pathprobe.fleet.NatsConnection;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The NATS broker and how to authenticate to it (picocli mixin). Secrets never come from the command line: from
 * the auth file {@code --nats-auth}, else the file named by {@value NatsConnection#AUTH_FILE_ENV}, else the token
 * in {@value NatsConnection#TOKEN_ENV}.
 */
final class NatsOptions {
    @Option(names = "--nats", paramLabel = "URL",
            description = "The NATS broker, nats://HOST:4222 or tls://HOST:4222 (default: $" + NatsConnection.URL_ENV
                    + ", else nats://127.0.0.1:4222).")
    String url;

    @Option(names = "--nats-auth", paramLabel = "FILE",
            description = "The broker credentials: key=value lines (token=, user= and password=, nkey-seed-file=,"
                    + " creds-file=, tls-ca=, tls-cert=, tls-key=), mode 600; default: $"
                    + NatsConnection.AUTH_FILE_ENV + " or $" + NatsConnection.TOKEN_ENV + ".")
    Path auth;

    boolean given() {
        return url != null;
    }

    /** The broker as given, checked; errors name the flag. */
    NatsConnection connection() {
        NatsConnection c;
        try {
            c = url == null ? NatsConnection.fromEnvironment() : NatsConnection.to(uri()).withEnvironmentAuth();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--nats: " + e.getMessage(), e);
        }
        if (auth == null) {
            return c;
        }
        if (!Files.isReadable(auth)) {
            throw new UsageException("--nats-auth " + auth + ": no such readable file");
        }
        try {
            return NatsConnection.to(c.url()).withAuthFile(auth);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--nats-auth " + e.getMessage(), e);
        }
    }

    private URI uri() {
        try {
            return URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--nats " + url + " is not a URL: give nats://HOST:4222", e);
        }
    }
}
