/**
 * The agent's target policy: which addresses and ports it may probe (default deny), with every address
 * canonicalised before the check so that no spelling of a denied address slips through.
 */
package io.pathprobe.agent.policy;
