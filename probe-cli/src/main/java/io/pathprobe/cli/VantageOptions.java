package io.pathprobe.cli;

import io.pathprobe.core.NameResolver;
import io.pathprobe.core.AddressText;
import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.VantagePoint;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/** Where probes leave from and which address family to use (picocli mixin). */
final class VantageOptions {
    @Option(names = "--source", paramLabel = "ADDR", description = "Send from this local address.")
    String source;

    @Option(names = "--interface", paramLabel = "NAME", description = "Send through this interface (SO_BINDTODEVICE).")
    String interfaceName;

    @Mixin
    FamilyOptions family;

    private InetAddress sourceAddress;

    /**
     * Where probes leave from.
     *
     * @throws UsageException when the source is not an address of this host or the interface does not exist
     */
    VantagePoint vantagePoint() {
        if (source == null && interfaceName == null) {
            return VantagePoint.local();
        }
        Optional<String> dev = Optional.ofNullable(interfaceName).map(String::trim);
        LocalVantagePoint vp;
        try {
            vp = new LocalVantagePoint(Optional.empty(), dev);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--interface: " + e.getMessage(), e);
        }
        dev.ifPresent(n -> HostResolver.checkInterface(n, "--interface"));
        if (source != null) {
            sourceAddress = HostResolver.localAddress(source, "--source");
            checkFamily(sourceAddress, "--source " + AddressText.of(sourceAddress));
        }
        return new LocalVantagePoint(Optional.ofNullable(sourceAddress), vp.interfaceName());
    }

    /**
     * Where probes leave from, with a tool's own flags for --source and --interface (fping's -S, mtr's -a, ping's
     * and mtr's -I): a value given counts as that option, and the messages name the flag typed.
     *
     * @param sourceFlag    the flag of {@code sourceValue}; a null value: not given
     * @param interfaceFlag the flag of {@code interfaceValue}; a null value: not given
     * @throws UsageException as {@link #vantagePoint()}, or when a flag and its long option are both given
     */
    VantagePoint vantagePoint(String sourceFlag, String sourceValue, String interfaceFlag, String interfaceValue) {
        if (sourceValue != null) {
            if (source != null) {
                throw new UsageException(sourceFlag + " and --source say the same thing: give one of them");
            }
            source = sourceValue;
        }
        if (interfaceValue != null) {
            if (interfaceName != null) {
                throw new UsageException(interfaceFlag + " and --interface say the same thing: give one of them");
            }
            interfaceName = interfaceValue;
        }
        try {
            return vantagePoint();
        } catch (UsageException e) {
            String m = e.getMessage();
            m = sourceValue != null ? m.replace("--source", sourceFlag) : m;
            m = interfaceValue != null ? m.replace("--interface", interfaceFlag) : m;
            throw new UsageException(m, e);
        }
    }

    /** The address family the user asked for. */
    NameResolver.Family family() {
        return family.family();
    }

    /** Checks that a target's address can be reached from the source address (same family). */
    void checkTarget(String label, InetAddress target) {
        if (sourceAddress != null && (sourceAddress instanceof Inet4Address) != (target instanceof Inet4Address)) {
            throw new UsageException("--source " + AddressText.of(sourceAddress) + " and target " + label
                    + " (" + AddressText.of(target) + ") are of different IP versions: give a source of the target's version");
        }
    }

    private void checkFamily(InetAddress a, String what) {
        if (!family().accepts(a)) {
            throw new UsageException(what + " is not " + family().label() + ": give a source of that version, or leave out -4/-6");
        }
    }
}
