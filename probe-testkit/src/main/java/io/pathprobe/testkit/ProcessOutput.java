package io.pathprobe.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A child process's output, for tests that start one (a broker, an agent) and wait for what it prints. */
public final class ProcessOutput {
    private ProcessOutput() {
    }

    /**
     * Appends each line of {@code in} (UTF-8) to {@code into}, a list safe for other threads to read (e.g. a
     * {@link java.util.concurrent.CopyOnWriteArrayList}), on a daemon thread named {@code thread}, until the stream
     * ends: the process exited or was killed. Reading it keeps a chatty process from blocking on a full pipe.
     */
    public static void follow(InputStream in, List<String> into, String thread) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.add(line);
                }
            } catch (IOException ignored) {
                // it ended
            }
        }, thread);
        t.setDaemon(true);
        t.start();
    }
}
