package io.pathprobe.testkit;

import io.pathprobe.testkit.internal.Commands;
import io.pathprobe.testkit.internal.Skip;

import java.nio.file.Path;

/**
 * A program a test needs from a Debian package. On a developer's machine without it the test is skipped with the
 * package to install (the README's test command must run on a fresh machine with Java and Maven); where CI runs
 * ({@code CI} set in the environment, and {@code .ci/run} installs every package) a missing one fails the test.
 */
public final class Installed {
    private Installed() {
    }

    /** The program's path, or a skip (a failure under CI) naming the package. */
    public static Path program(String name, String debianPackage) {
        var found = Commands.locate(name);
        if (found.isPresent()) {
            return found.get();
        }
        throw Skip.orFailUnderCi(name + " is not installed: apt-get install " + debianPackage,
                ".ci/run installs it");
    }
}
