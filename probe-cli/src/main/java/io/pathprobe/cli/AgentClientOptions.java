package io.pathprobe.cli;

import io.pathprobe.ticket.agent.AgentCredentials;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a coordinator authenticates to remote agents (picocli mixin). The token never comes from the command line,
 * where any user of the host could read it: from a file, or the environment variable {@value #TOKEN_ENV}.
 */
final class AgentClientOptions {
    static final String TOKEN_ENV = "PATHPROBE_AGENT_TOKEN";
    /** A token file is a secret, not a document: anything longer is the wrong file. */
    private static final long MAX_TOKEN_FILE = 4096;

    @Option(names = "--agent-token-file", paramLabel = "FILE",
            description = "The bearer token for agent: vantage points (first line of FILE); default: the "
                    + "environment variable " + TOKEN_ENV + ".")
    Path tokenFile;

    @Option(names = "--agent-ca", paramLabel = "PEM",
            description = "Trust this certificate (or CA) for agents' TLS, instead of the JDK's trust store.")
    Path trustCert;

    @Option(names = "--agent-cert", paramLabel = "PEM", description = "Client certificate for agents that ask for mutual TLS.")
    Path clientCert;

    @Option(names = "--agent-key", paramLabel = "PEM", description = "The client certificate's PKCS#8 private key.")
    Path clientKey;

    AgentCredentials credentials() {
        String token = null;
        if (tokenFile != null) {
            try {
                if (Files.size(tokenFile) > MAX_TOKEN_FILE) {
                    throw new UsageException("--agent-token-file " + tokenFile + " is larger than " + MAX_TOKEN_FILE
                            + " bytes: give the file that holds only the token");
                }
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
            } catch (IOException e) {
                throw new UsageException("--agent-token-file " + tokenFile + ": cannot read it (" + e.getMessage()
                        + ")", e);
            }
            if (token.isEmpty()) {
                throw new UsageException("--agent-token-file " + tokenFile + " is empty: write the agent's token in it");
            }
        } else {
            String env = System.getenv(TOKEN_ENV);
            token = env == null || env.isBlank() ? null : env.trim();
        }
        for (Path p : new Path[] {trustCert, clientCert, clientKey}) {
            if (p != null && !Files.isReadable(p)) {
                throw new UsageException(p + ": no such readable file (given to --agent-ca/--agent-cert/--agent-key)");
            }
        }
        try {
            return new AgentCredentials(token, trustCert, clientCert, clientKey);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--agent-cert and --agent-key go together: " + e.getMessage(), e);
        }
    }
}
