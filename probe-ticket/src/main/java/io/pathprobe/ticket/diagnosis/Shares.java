package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.SeriesStats;


/**
 * Failure shares as partial failures produce them: a backend that drops everything from a client, one of N behind
 * a load balancer that spreads connections evenly, fails about k/N of every client's connects (k bad backends);
 * a backend looping through its own load balancer fails about 1/N of its own. Whether a measured share fits k/N is
 * a binomial question: it fits when k/N lies inside the share's Wilson score interval at z = {@value #Z}
 * (two-sided 1e-5: a true k/N is rejected in about 1 of 100,000 captures, so a test asserting a fit fails less
 * than once in 10,000 runs with room for its other chances).
 */
public final class Shares {
    /** The z of the Wilson interval: two-sided P(|Z| > 4.42) = 1.0e-5. */
    static final double Z = 4.42;
    /** The largest backend count tried when N is not known: small pools are the common case. */
    static final int MAX_GUESSED_BACKENDS = 8;

    private Shares() {
    }

    /** The share of a series' ended probes that failed (0 when none ended). */
    public static double failedShare(SeriesStats s) {
        return s.answered() <= 0 ? 0 : (double) s.failed() / s.answered();
    }

    /** The Wilson score interval of {@code failed} out of {@code n} at {@link #Z}: {lower, upper}. */
    static double[] interval(long failed, long n) {
        if (n <= 0) {
            return new double[]{0, 1};
        }
        double p = (double) failed / n;
        double z2 = Z * Z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new double[]{Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    /** Whether the share {@code failed/n} is consistent with {@code p}. */
    static boolean fits(long failed, long n, double p) {
        double[] ci = interval(failed, n);
        return p >= ci[0] && p <= ci[1];
    }

    /** Whether the series' failed share fits {@code k/n}. */
    static boolean fits(ProbeSeries s, int k, int n) {
        return n > 0 && fits(s.stats().failed(), s.stats().answered(), (double) k / n);
    }

    /**
     * The k of N that the share fits best (nearest), or 0 when no k in 1..N-1 fits (the share is not a whole
     * number of backends).
     */
    static int bestK(ProbeSeries s, int n) {
        double share = failedShare(s.stats());
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (fits(s, k, n) && (best == 0 || Math.abs(share - (double) k / n) < Math.abs(share - (double) best / n))) {
                best = k;
            }
        }
        return best;
    }

    /**
     * When N is not known: the N (2..{@value #MAX_GUESSED_BACKENDS}) whose 1/N the share fits and is nearest to,
     * or 0 when none fits. "About 1 in N" for people.
     */
    static int guessOneInN(ProbeSeries s) {
        double share = failedShare(s.stats());
        int best = 0;
        for (int n = 2; n <= MAX_GUESSED_BACKENDS; n++) {
            if (fits(s, 1, n) && (best == 0 || Math.abs(share - 1.0 / n) < Math.abs(share - 1.0 / best))) {
                best = n;
            }
        }
        return best;
    }

    /** Whether two series' failed shares are consistent with one common share (their intervals overlap). */
    static boolean agree(ProbeSeries a, ProbeSeries b) {
        double[] x = interval(a.stats().failed(), a.stats().answered());
        double[] y = interval(b.stats().failed(), b.stats().answered());
        return x[0] <= y[1] && y[0] <= x[1];
    }

    /** E.g. {@code 3 of 8 connects (38%) fail}. */
    static Text phrase(ProbeSeries s) {
        SeriesStats st = s.stats();
        return Text.of("share.fail", st.failed(), st.answered(),
                Signals.pct(Math.round(1000.0 * failedShare(st)) / 10.0));
    }
}
