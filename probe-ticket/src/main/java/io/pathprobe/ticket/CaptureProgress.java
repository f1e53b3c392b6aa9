package io.pathprobe.ticket;

import java.time.Duration;
import java.util.List;

/**
 * Where a running capture stands, for the CLI's progress line on stderr.
 *
 * @param elapsed    time since the start
 * @param remaining  time left of the planned duration (zero once over or stopped)
 * @param probesSent probes sent by every ping and TCP check so far
 * @param checks     each check's figures so far
 */
public record CaptureProgress(Duration elapsed, Duration remaining, long probesSent, List<Check> checks) {
    /**
     * @param vantage     the vantage point's id
     * @param label       e.g. {@code ping 10.0.0.1} or {@code tcp 10.0.0.1:443}
     * @param sent        probes sent
     * @param lossPercent mtr's Loss% so far
     */
    public record Check(String vantage, String label, long sent, double lossPercent) {
    }

    /** One line, e.g. {@code 01:10 / 10:00 left 08:50, 420 probes; local ping 0.0%, local tcp:443 2.1%}. */
    public String line() {
        StringBuilder sb = new StringBuilder(clock(elapsed)).append(" elapsed, ").append(clock(remaining))
                .append(" left, ").append(probesSent).append(" probes sent");
        for (Check c : checks) {
            sb.append(" | ").append(c.vantage()).append(' ').append(c.label()).append(' ')
                    .append(String.format(java.util.Locale.ROOT, "%.1f%% loss", c.lossPercent()));
        }
        return sb.toString();
    }

    private static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format("%02d:%02d", s / 60, s % 60);
    }
}
