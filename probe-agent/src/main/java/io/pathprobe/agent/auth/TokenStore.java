package io.pathprobe.agent.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * The agent's bearer tokens, each an id (for logs and quotas) and a secret. Immutable and thread-safe; it keeps only
 * SHA-256 digests of the secrets, and no message or {@link #toString()} ever contains a secret (errors about a token
 * file name its line, not its content).
 *
 * <h2>Token file</h2>
 * One token per line, {@code ID SECRET}, separated by spaces or tabs; blank lines and lines starting with {@code #}
 * are ignored. An id has 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}; a secret has at least
 * {@value #MIN_SECRET_LENGTH} characters of what a bearer token can carry (letters, digits, {@code -._~+/}, trailing
 * {@code =}), e.g. from {@code openssl rand -hex 32}. Ids and secrets must be unique. The file must be a regular file
 * that neither group nor others may read, write or execute ({@code chmod 600}), like an ssh key.
 */
public final class TokenStore {
    /** The environment variable holding one secret (id {@value #ENVIRONMENT_TOKEN_ID}). */
    public static final String ENVIRONMENT_VARIABLE = "PATHPROBE_AGENT_TOKEN";
    /** The id of the token from {@value #ENVIRONMENT_VARIABLE}. */
    public static final String ENVIRONMENT_TOKEN_ID = "env";
    /** Secrets shorter than this are refused. */
    public static final int MIN_SECRET_LENGTH = 16;

    private static final int MAX_SECRET_LENGTH = 1024;
    private static final int MAX_FILE_BYTES = 1 << 20;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final List<String> ids;
    private final byte[][] digests;
    private final BiPredicate<byte[], byte[]> equal;

    TokenStore(List<String> ids, byte[][] digests, BiPredicate<byte[], byte[]> equal) {
        this.ids = List.copyOf(ids);
        this.digests = digests;
        this.equal = equal;
    }

    /**
     * Loads a token file (format above).
     *
     * @throws IllegalArgumentException when the file is missing, not private ({@code chmod 600}), or malformed;
     *                                  the message names the file and the line
     * @throws IOException              when it cannot be read for another reason
     */
    public static TokenStore load(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        String f = "token file " + file;
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(f + " does not exist: create it with lines 'ID SECRET' and chmod 600");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(f + " is not a regular file");
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException(f + " is on a file system without POSIX permissions, so it cannot be"
                    + " checked to be private: put it on a local file system and chmod 600 it");
        }
        if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            throw new IllegalArgumentException(f + " is accessible by group or others ("
                    + PosixFilePermissions.toString(perms) + "): run chmod 600 " + file);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(f + " does not exist: create it with lines 'ID SECRET' and chmod 600");
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(f + " is larger than " + MAX_FILE_BYTES + " bytes: is it the right"
                    + " file?");
        }
        return parse(new String(bytes, StandardCharsets.ISO_8859_1), f);
    }

    /**
     * The one token from the value of {@value #ENVIRONMENT_VARIABLE}, with id {@value #ENVIRONMENT_TOKEN_ID};
     * surrounding whitespace is ignored.
     *
     * @throws IllegalArgumentException when the value is empty, too short or not a bearer token
     */
    public static TokenStore fromEnvironment(String value) {
        String where = ENVIRONMENT_VARIABLE;
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(where + " is empty: set it to a secret of at least "
                    + MIN_SECRET_LENGTH + " characters, e.g. from openssl rand -hex 32");
        }
        byte[] digest = digest(checkSecret(value.strip(), where));
        return new TokenStore(List.of(ENVIRONMENT_TOKEN_ID), new byte[][] {digest}, MessageDigest::isEqual);
    }

    static TokenStore parse(String text, String f) {
        List<String> ids = new ArrayList<>();
        List<byte[]> digests = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        String[] all = text.split("\n", -1);
        for (int n = 0; n < all.length; n++) {
            String where = f + " line " + (n + 1);
            String line = all[n].endsWith("\r") ? all[n].substring(0, all[n].length() - 1) : all[n];
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c != '\t' && (c < 0x20 || c > 0x7e)) {
                    throw new IllegalArgumentException(where + " has a control or non-ASCII character: ids and"
                            + " secrets are printable ASCII");
                }
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split("[ \t]+");
            if (fields.length != 2) {
                throw new IllegalArgumentException(where + ": expected 'ID SECRET' (two fields separated by spaces),"
                        + " found " + fields.length + " field" + (fields.length == 1 ? "" : "s")
                        + " (comments go on lines of their own, starting with #)");
            }
            if (!ID.matcher(fields[0]).matches()) {
                throw new IllegalArgumentException(where + ": the token id must be 1 to 64 letters, digits, '.',"
                        + " '_' or '-'");
            }
            byte[] digest = digest(checkSecret(fields[1], where));
            for (int k = 0; k < ids.size(); k++) {
                if (ids.get(k).equals(fields[0])) {
                    throw new IllegalArgumentException(where + ": the token id repeats the id on line "
                            + lines.get(k) + "; each token needs its own id");
                }
                if (MessageDigest.isEqual(digests.get(k), digest)) {
                    throw new IllegalArgumentException(where + ": the secret repeats the secret on line "
                            + lines.get(k) + "; each token needs its own secret");
                }
            }
            ids.add(fields[0]);
            digests.add(digest);
            lines.add(n + 1);
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(f + " has no tokens: add lines 'ID SECRET'");
        }
        return new TokenStore(ids, digests.toArray(new byte[0][]), MessageDigest::isEqual);
    }

    private static String checkSecret(String secret, String where) {
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(where + ": the secret has " + secret.length() + " characters; use at"
                    + " least " + MIN_SECRET_LENGTH + ", e.g. from openssl rand -hex 32");
        }
        if (secret.length() > MAX_SECRET_LENGTH) {
            throw new IllegalArgumentException(where + ": the secret has " + secret.length() + " characters; use at"
                    + " most " + MAX_SECRET_LENGTH);
        }
        if (!SECRET.matcher(secret).matches()) {
            throw new IllegalArgumentException(where + ": the secret has characters a bearer token cannot carry: use"
                    + " letters, digits and -._~+/ (trailing = allowed), e.g. from openssl rand -hex 32");
        }
        return secret;
    }

    private static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * The id of the token an {@code Authorization} header carries ({@code Bearer SECRET}, scheme in any case), or
     * empty for a missing, malformed or unknown one. The presented secret is hashed and its digest compared with
     * every stored digest, all of them every time, by {@link MessageDigest#isEqual}: equal-length inputs, no early
     * exit, so the time taken says nothing about how much of a secret was right or how long it is.
     */
    public Optional<String> authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.length() > 7 + MAX_SECRET_LENGTH + 16) {
            return Optional.empty();
        }
        String h = authorizationHeader.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String secret = h.substring(7).stripLeading();
        if (secret.isEmpty() || !SECRET.matcher(secret).matches()) {
            return Optional.empty();
        }
        byte[] presented = digest(secret);
        int match = -1;
        for (int i = 0; i < digests.length; i++) {
            boolean eq = equal.test(presented, digests[i]);
            match = eq && match < 0 ? i : match;
        }
        return match < 0 ? Optional.empty() : Optional.of(ids.get(match));
    }

    /** The same tokens compared by {@code equal} (tests watch the comparisons through it). */
    TokenStore withEquality(BiPredicate<byte[], byte[]> equal) {
        return new TokenStore(ids, digests, equal);
    }

    /** The token ids, in file order. */
    public List<String> ids() {
        return ids;
    }

    @Override
    public String toString() {
        return "TokenStore" + ids;
    }
}
