package io.pathprobe.ticket.hostcheck;

import java.util.List;

/**
 * What {@code pathprobe hostcheck} found on a backend: its reverse-path filter settings (cause 2) and whether the
 * host owns any of the load balancer's backend addresses (cause 3). Serializes to JSON so a ticket capture can
 * include it as evidence.
 *
 * @param host              the host name
 * @param networkNamespace  the network namespace checked, or {@code null} for the host's own
 * @param checkedAt         ISO-8601 instant of the check
 * @param rpFilter          {@code all}, {@code default} and every interface, in that order
 * @param problems          the entries whose effective value is not 0, {@code lo} excepted (loopback traffic is
 *                          never filtered by it in practice)
 * @param sysctlConfLines   the {@code /etc/sysctl.conf} lines that turn the filter off where it is on
 * @param fixSteps          what to do with them, in order
 * @param sysctlFileMentions lines of sysctl configuration files that set rp_filter (they win over
 *                          /etc/sysctl.conf at boot when applied later), as {@code FILE:LINE: text}
 * @param addresses         this host's addresses
 * @param backendsChecked   the backend addresses given with {@code --backends}
 * @param backendsOnThisHost those of them that are this host's own (a backend that is a client of its own load
 *                          balancer: cause 3)
 */
public record HostCheckReport(String host, String networkNamespace, String checkedAt, List<RpFilterSetting> rpFilter,
                              List<RpFilterSetting> problems, List<String> sysctlConfLines, List<String> fixSteps,
                              List<String> sysctlFileMentions, List<String> addresses, List<String> backendsChecked,
                              List<String> backendsOnThisHost) {
    public HostCheckReport {
        rpFilter = copy(rpFilter);
        problems = copy(problems);
        sysctlConfLines = copy(sysctlConfLines);
        fixSteps = copy(fixSteps);
        sysctlFileMentions = copy(sysctlFileMentions);
        addresses = copy(addresses);
        backendsChecked = copy(backendsChecked);
        backendsOnThisHost = copy(backendsOnThisHost);
    }

    private static <T> List<T> copy(List<T> l) {
        return l == null ? List.of() : List.copyOf(l);
    }

    /** Whether reverse-path filtering is on for some real interface. */
    public boolean rpFilterOn() {
        return !problems.isEmpty();
    }
}
