/**
 * Per-token quotas: limits on what one plan may ask ({@link io.pathprobe.agent.quota.Quotas}) and a ledger of the
 * captures each token has running ({@link io.pathprobe.agent.quota.QuotaLedger}), answering a refusal with the rule
 * broken and, when waiting helps, a Retry-After.
 */
package io.pathprobe.agent.quota;
