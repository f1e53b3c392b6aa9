package io.pathprobe.ticket.agent;

import java.nio.file.Path;

/**
 * How a coordinator proves itself to remote agents. Secrets never come from the command line: the token is
 * read from a file or the environment by the caller.
 *
 * @param token      a bearer token, or {@code null}
 * @param trustCert  a PEM certificate (or CA) to trust for the agents' TLS, or {@code null} for the JDK's
 * @param clientCert a PEM client certificate for mutual TLS, or {@code null}
 * @param clientKey  its PEM PKCS#8 private key, or {@code null}
 */
public record AgentCredentials(String token, Path trustCert, Path clientCert, Path clientKey) {
    private static final AgentCredentials NONE = new AgentCredentials(null, null, null, null);

    public AgentCredentials {
        if ((clientCert == null) != (clientKey == null)) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
    }

    public static AgentCredentials none() {
        return NONE;
    }

    @Override
    public String toString() {
        return "AgentCredentials[token=" + (token == null ? "none" : "***") + ", trustCert=" + trustCert
                + ", clientCert=" + clientCert + "]";
    }
}
