package io.pathprobe.agent.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token files (format, permissions), the environment token, and the comparison path. */
class TokenStoreTest {
    private static final String CI = "0123456789abcdef0123456789abcdef";
    private static final String OPS = "Zm9vYmFyYmF6cXV4cXV1eA==";

    @TempDir
    Path dir;

    private Path file(String content, String perms) throws IOException {
        Path f = Files.createTempFile(dir, "tokens", ".txt");
        Files.writeString(f, content, StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
        return f;
    }

    private String refused(String content) throws IOException {
        Path f = file(content, "rw-------");
        String m = assertThrows(IllegalArgumentException.class, () -> TokenStore.load(f)).getMessage();
        assertTrue(m.startsWith("token file " + f), m);
        return m;
    }

    @Test
    void aPrivateFileLoadsWithCommentsAndBlankLines() throws IOException {
        Path f = file("# agent tokens\n\nci " + CI + "\n  # indented comment\nops\t\t" + OPS + "\r\n", "rw-------");
        TokenStore s = TokenStore.load(f);
        assertEquals(List.of("ci", "ops"), s.ids());
        assertEquals(Optional.of("ci"), s.authenticate("Bearer " + CI));
        assertEquals(Optional.of("ops"), s.authenticate("Bearer " + OPS));
        assertEquals("TokenStore[ci, ops]", s.toString());
        assertTrue(TokenStore.load(file("ci " + CI, "r--------")).ids().contains("ci"), "read-only is fine");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rw-----w-", "rwx--x---",
            "rw------x", "rw-rw-rw-"})
    void aFileOthersCanReachIsRefused(String perms) throws IOException {
        Path f = file("ci " + CI + "\n", perms);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenStore.load(f));
        assertEquals("token file " + f + " is accessible by group or others (" + perms + "): run chmod 600 " + f,
                e.getMessage());
    }

    @Test
    void aMissingFileOrADirectoryIsRefused() {
        Path missing = dir.resolve("nope");
        assertEquals("token file " + missing + " does not exist: create it with lines 'ID SECRET' and chmod 600",
                assertThrows(IllegalArgumentException.class, () -> TokenStore.load(missing)).getMessage());
        assertEquals("token file " + dir + " is not a regular file",
                assertThrows(IllegalArgumentException.class, () -> TokenStore.load(dir)).getMessage());
    }

    @Test
    void malformedLinesAreRefusedByLineNumberWithoutEchoingSecrets() throws IOException {
        String shortSecret = "tooShort123";
        String m = refused("ci " + CI + "\nops " + shortSecret + "\n");
        assertTrue(m.endsWith(" line 2: the secret has 11 characters; use at least 16, e.g. from openssl rand -hex 32"),
                m);
        assertFalse(m.contains(shortSecret));

        m = refused("ci " + CI + "\n\n# x\nci " + OPS + "\n");
        assertTrue(m.endsWith(" line 4: the token id repeats the id on line 1; each token needs its own id"), m);

        m = refused("ci " + CI + "\nops " + CI + "\n");
        assertTrue(m.endsWith(" line 2: the secret repeats the secret on line 1; each token needs its own secret"), m);
        assertFalse(m.contains(CI));

        m = refused(CI + "\n");
        assertTrue(m.contains(" line 1: expected 'ID SECRET' (two fields separated by spaces), found 1 field"), m);
        assertFalse(m.contains(CI));

        m = refused("ci " + CI + " # the CI token\n");
        assertTrue(m.contains("found 6 fields (comments go on lines of their own"), m);

        m = refused("c/i " + CI + "\n");
        assertTrue(m.endsWith(" line 1: the token id must be 1 to 64 letters, digits, '.', '_' or '-'"), m);

        m = refused("ci " + CI.substring(0, 20) + "\"quoted\"\n");
        assertTrue(m.contains(" line 1: the secret has characters a bearer token cannot carry"), m);

        m = refused("ci " + CI + "\u00e9\n");
        assertTrue(m.endsWith(" line 1 has a control or non-ASCII character: ids and secrets are printable ASCII"), m);

        m = refused("# only comments\n\n");
        assertTrue(m.endsWith(" has no tokens: add lines 'ID SECRET'"), m);

        m = refused("ci " + "a".repeat(1025) + "\n");
        assertTrue(m.contains("use at most 1024"), m);
    }

    @Test
    void theEnvironmentTokenHasIdEnv() {
        TokenStore s = TokenStore.fromEnvironment("  " + CI + "\n");
        assertEquals(List.of("env"), s.ids());
        assertEquals(Optional.of("env"), s.authenticate("Bearer " + CI));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenStore.fromEnvironment("short"));
        assertEquals("PATHPROBE_AGENT_TOKEN: the secret has 5 characters; use at least 16, e.g. from openssl rand"
                + " -hex 32", e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenStore.fromEnvironment(" "))
                .getMessage().startsWith("PATHPROBE_AGENT_TOKEN is empty"));
        assertThrows(IllegalArgumentException.class, () -> TokenStore.fromEnvironment(null));
        assertThrows(IllegalArgumentException.class, () -> TokenStore.fromEnvironment(CI + " " + CI));
    }

    @Test
    void onlyTheExactSecretInABearerHeaderAuthenticates() {
        TokenStore s = TokenStore.parse("ci " + CI + "\nops " + OPS + "\n", "test");
        assertEquals(Optional.of("ci"), s.authenticate("Bearer " + CI));
        assertEquals(Optional.of("ci"), s.authenticate("bearer " + CI), "the scheme is case-insensitive");
        assertEquals(Optional.of("ci"), s.authenticate("BEARER   " + CI + " "));
        for (String bad : new String[] {null, "", "Bearer", "Bearer ", "Bearer " + CI.substring(1),
                "Bearer " + CI + "0", "Bearer " + CI.toUpperCase(), "Basic " + CI, CI, "Bearer" + CI,
                "Bearer " + CI + " " + OPS, "Bearer " + OPS.replace("==", ""), "Bearer x".repeat(300)}) {
            assertEquals(Optional.empty(), s.authenticate(bad), String.valueOf(bad));
        }
    }

    @Test
    void everyStoredDigestIsComparedEveryTimeAtDigestLength() {
        StringBuilder text = new StringBuilder();
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String secret = ("secret-" + i + "-").repeat(3 + i); // different lengths
            secrets.add(secret);
            text.append("t").append(i).append(' ').append(secret).append('\n');
        }
        List<int[]> lengths = new ArrayList<>();
        TokenStore s = TokenStore.parse(text.toString(), "test").withEquality((a, b) -> {
            lengths.add(new int[] {a.length, b.length});
            return MessageDigest.isEqual(a, b);
        });
        List<String> presented = new ArrayList<>(secrets);
        presented.add("wrong-but-long-enough-secret");
        presented.add("s");
        for (String p : presented) {
            lengths.clear();
            Optional<String> id = s.authenticate("Bearer " + p);
            int k = secrets.indexOf(p);
            assertEquals(k < 0 ? Optional.empty() : Optional.of("t" + k), id);
            assertEquals(5, lengths.size(), "all five tokens are compared for " + p + ", matching or not");
            for (int[] l : lengths) {
                assertEquals(32, l[0], "the presented secret reaches the comparison only as its SHA-256 digest");
                assertEquals(32, l[1]);
            }
        }
    }
}
