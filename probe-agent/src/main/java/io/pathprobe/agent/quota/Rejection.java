package io.pathprobe.agent.quota;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A request refused by a quota: the rule, a one-line message with the limit and what was asked, and when waiting
 * helps (running captures will end), after how many whole seconds to retry ({@code 429} with {@code Retry-After});
 * empty when the request itself is over the limit and retrying it cannot succeed.
 *
 * @param rule              the quota broken
 * @param message           what was asked, the limit, and what to do
 * @param retryAfterSeconds seconds until enough running captures have ended (at least 1), or empty
 */
public record Rejection(QuotaRule rule, String message, OptionalLong retryAfterSeconds) implements Admission {
    /** Checks the fields. */
    public Rejection {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(retryAfterSeconds, "retryAfterSeconds");
    }
}
