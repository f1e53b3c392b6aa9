package io.pathprobe.mtr.internal;

/**
 * Exact (Clopper–Pearson) one-sided confidence bounds for a binomial proportion, used to decide whether the loss at
 * one hop is clearly larger than at another. The binomial CDF is evaluated through the regularized incomplete beta
 * function, {@code P(X ≤ k; n, p) = I_{1−p}(n − k, k + 1)}, so the cost does not grow with the number of probes
 * (a sustained capture may have millions).
 */
public final class Binomial {
    private static final int BISECTION_STEPS = 60;

    private Binomial() {
    }

    /** P(X ≤ k) for X ~ Binomial(n, p). */
    public static double cdf(long k, long n, double p) {
        if (k < 0) {
            return 0;
        }
        if (k >= n) {
            return 1;
        }
        if (p <= 0) {
            return 1;
        }
        if (p >= 1) {
            return 0;
        }
        return regularizedBeta(1 - p, n - k, k + 1.0);
    }

    /**
     * The smallest p with P(X ≥ k; n, p) ≥ alpha: with confidence 1 − alpha the true proportion is at least this.
     * 0 when k = 0.
     */
    public static double lowerBound(long k, long n, double alpha) {
        check(k, n, alpha);
        if (k == 0) {
            return 0;
        }
        // P(X ≥ k) = 1 − P(X ≤ k − 1) grows with p: find where it reaches alpha.
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < BISECTION_STEPS; i++) {
            double mid = (lo + hi) / 2;
            if (1 - cdf(k - 1, n, mid) < alpha) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /**
     * The largest p with P(X ≤ k; n, p) ≥ alpha: with confidence 1 − alpha the true proportion is at most this.
     * 1 when k = n.
     */
    public static double upperBound(long k, long n, double alpha) {
        check(k, n, alpha);
        if (k == n) {
            return 1;
        }
        // P(X ≤ k) falls as p grows: find where it drops to alpha.
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < BISECTION_STEPS; i++) {
            double mid = (lo + hi) / 2;
            if (cdf(k, n, mid) > alpha) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    private static void check(long k, long n, double alpha) {
        if (n <= 0 || k < 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= k <= n and n > 0, got k=" + k + " n=" + n);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be between 0 and 1, got " + alpha);
        }
    }

    /** I_x(a, b), the regularized incomplete beta function, by its continued fraction (modified Lentz). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
        // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise.
        if (x < (a + 1) / (a + b + 2)) {
            return Math.exp(logFront) * betaFraction(x, a, b) / a;
        }
        return 1 - Math.exp(logFront) * betaFraction(1 - x, b, a) / b;
    }

    private static double betaFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + num * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + num * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double step = d * c;
            h *= step;
            if (Math.abs(step - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /**
     * ln Γ(x) for x > 0: Stirling's series with four correction terms for x ≥ 20 (error below 2e-15 there), and
     * Γ(x + 1) = xΓ(x) to shift smaller arguments up to 20.
     */
    static double logGamma(double x) {
        if (!(x > 0)) {
            throw new IllegalArgumentException("logGamma needs x > 0, got " + x);
        }
        double shift = 0;
        while (x < 20) {
            shift += Math.log(x);
            x += 1;
        }
        double inv = 1 / x;
        double inv2 = inv * inv;
        double series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
        return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
    }
}
