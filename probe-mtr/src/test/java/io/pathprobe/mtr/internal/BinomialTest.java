package io.pathprobe.mtr.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;


class BinomialTest {

    /** P(X ≤ k) summed term by term, for small n. */
    private static double directCdf(int k, int n, double p) {
        double sum = 0;
        for (int i = 0; i <= k; i++) {
            double c = 1;
            for (int j = 0; j < i; j++) {
                c = c * (n - j) / (j + 1);
            }
            sum += c * Math.pow(p, i) * Math.pow(1 - p, n - i);
        }
        return sum;
    }

    @Test
    void cdfAgreesWithTheSumOfTerms() {
        for (int n : new int[] {1, 5, 20, 60}) {
            for (int k = 0; k <= n; k += Math.max(1, n / 7)) {
                for (double p : new double[] {0.01, 0.1, 0.37, 0.5, 0.9}) {
                    assertEquals(directCdf(k, n, p), Binomial.cdf(k, n, p), 1e-10, "k=" + k + " n=" + n + " p=" + p);
                }
            }
        }
    }

    @Test
    void boundsWithClosedForms() {
        // No loss in n: upper bound 1 − α^(1/n); all lost: lower bound α^(1/n).
        for (int n : new int[] {1, 10, 20, 100, 5000}) {
            assertEquals(1 - Math.pow(0.01, 1.0 / n), Binomial.upperBound(0, n, 0.01), 1e-9);
            assertEquals(Math.pow(0.01, 1.0 / n), Binomial.lowerBound(n, n, 0.01), 1e-9);
            assertEquals(0, Binomial.lowerBound(0, n, 0.01));
            assertEquals(1, Binomial.upperBound(n, n, 0.01));
        }
    }

    @Test
    void boundsMatchPublishedClopperPearsonValues() {
        // 1 of 10, two-sided 95% Clopper–Pearson interval (0.0025, 0.4450): α = 0.025 each side
        // (values from the beta quantiles B(0.025; 1, 10) and B(0.975; 2, 9)).
        assertEquals(0.0025285785, Binomial.lowerBound(1, 10, 0.025), 1e-8);
        assertEquals(0.4450161170, Binomial.upperBound(1, 10, 0.025), 1e-8);
        // Values used by LossAnalysisTest, from B(0.01; x, n − x + 1) and B(0.99; x + 1, n − x).
        assertEquals(0.0975422097, Binomial.lowerBound(6, 20, 0.01), 1e-8);
        assertEquals(0.2389596365, Binomial.lowerBound(10, 20, 0.01), 1e-8);
        assertEquals(0.3092087134, Binomial.upperBound(20, 100, 0.01), 1e-8);
        assertEquals(0.4789036128, Binomial.lowerBound(60, 100, 0.01), 1e-8);
    }

    @Test
    void largeCountsStayExactAndCheap() {
        // A day-long capture: 5,000 lost of 1,000,000; B(0.01; 5000, 995001) and B(0.99; 5001, 995000).
        assertEquals(0.0048373668, Binomial.lowerBound(5000, 1_000_000, 0.01), 1e-9);
        assertEquals(0.0051665513, Binomial.upperBound(5000, 1_000_000, 0.01), 1e-9);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Binomial.upperBound(3, 2, 0.01));
        assertThrows(IllegalArgumentException.class, () -> Binomial.lowerBound(0, 0, 0.01));
        assertThrows(IllegalArgumentException.class, () -> Binomial.lowerBound(1, 2, 1.5));
    }
}
