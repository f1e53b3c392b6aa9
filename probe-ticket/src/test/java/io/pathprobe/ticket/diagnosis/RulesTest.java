package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.evidence.HopEvidence;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.SelfCheck;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.pathprobe.ticket.diagnosis.Ev.VIP;
import static io.pathprobe.ticket.diagnosis.Ev.cleanTrace;
import static io.pathprobe.ticket.diagnosis.Ev.facts;
import static io.pathprobe.ticket.diagnosis.Ev.hop;
import static io.pathprobe.ticket.diagnosis.Ev.hostcheck;
import static io.pathprobe.ticket.diagnosis.Ev.ping;
import static io.pathprobe.ticket.diagnosis.Ev.tcp;
import static io.pathprobe.ticket.diagnosis.Ev.tcpBlock;
import static io.pathprobe.ticket.diagnosis.Ev.ticket;
import static io.pathprobe.ticket.diagnosis.Ev.trace;
import static io.pathprobe.ticket.diagnosis.Ev.vantage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule on constructed evidence: the pattern it must find, and look-alikes it must not claim. */
class RulesTest {
    static final List<Integer> P80 = List.of(80);

    static VantageEvidence healthy(String id, String src) {
        return vantage(id, src, ping(20, 20), List.of(tcp(80, 20, 0, 0)), cleanTrace());
    }

    static VantageEvidence deadTimeouts(String id, String src) {
        return vantage(id, src, ping(20, 0), List.of(tcp(80, 0, 0, 20)));
    }

    static Finding only(DiagnosisRule r, TicketEvidence e) {
        Optional<Finding> f = r.evaluate(e);
        assertTrue(f.isPresent(), () -> r.cause() + " expected a finding for " + e);
        assertEquals(r.cause(), f.get().cause());
        assertTrue(!f.get().evidence().isEmpty(), "a finding names its evidence");
        assertTrue(!f.get().nextSteps().isEmpty(), "a finding names a next step");
        return f.get();
    }

    /** A self check that found listeners on {@code ports}. */
    static SelfCheck listening(Integer... ports) {
        return new SelfCheck(List.of(), List.of(ports), List.of(), List.of(), null, null, null);
    }

    static void none(DiagnosisRule r, TicketEvidence e) {
        Optional<Finding> f = r.evaluate(e);
        assertTrue(f.isEmpty(), () -> r.cause() + " should not match, but found " + f.orElse(null));
    }

    static boolean any(List<String> lines, String part) {
        return lines.stream().anyMatch(l -> l.contains(part));
    }

    @Nested
    class NoListener {
        final NoListenerRule rule = new NoListenerRule();

        @Test
        void silentVipFromTwoIndependentClientsIsHigh() {
            Finding f = only(rule, ticket(P80, deadTimeouts("a", "10.0.1.2"), deadTimeouts("b", "10.0.3.2")));
            assertEquals(Confidence.HIGH, f.confidence());
            assertTrue(any(f.nextSteps(), "Add a listener on port 80"), f.nextSteps()::toString);
        }

        @Test
        void refusedFromOneClientIsMedium() {
            VantageEvidence v = vantage("a", "10.0.1.2", ping(20, 0), List.of(tcp(80, 0, 20, 0)));
            assertEquals(Confidence.MEDIUM, only(rule, ticket(P80, v)).confidence());
        }

        @Test
        void timeoutsFromOneClientAreLowBecauseABlockedIpLooksTheSame() {
            Finding f = only(rule, ticket(P80, deadTimeouts("a", "10.0.1.2")));
            assertEquals(Confidence.LOW, f.confidence());
            assertTrue(any(f.nextSteps(), "second, independent network"));
        }

        @Test
        void twoNamespacesBehindOnePublicIpAreOneClient() {
            VantageEvidence a = withPublicIp(deadTimeouts("netns:a", "10.0.1.2"), "198.51.100.7");
            VantageEvidence b = withPublicIp(deadTimeouts("netns:b", "10.0.3.2"), "198.51.100.7");
            assertEquals(Confidence.LOW, only(rule, ticket(P80, a, b)).confidence());
        }

        @Test
        void refusedPortWhileVipAnswersPingNamesThatPort() {
            VantageEvidence a = vantage("a", "10.0.1.2", ping(20, 20), List.of(tcp(80, 20, 0, 0), tcp(8080, 0, 20, 0)));
            VantageEvidence b = vantage("b", "10.0.3.2", ping(20, 20), List.of(tcp(80, 20, 0, 0), tcp(8080, 0, 20, 0)));
            Finding f = only(rule, ticket(List.of(80, 8080), a, b));
            assertEquals(Confidence.HIGH, f.confidence());
            assertTrue(f.summary().contains("8080") && !f.summary().contains("80,"), f.summary());
            assertTrue(any(f.nextSteps(), "port 8080"));
        }

        @Test
        void notWhenAnotherClientGetsThrough() {
            none(rule, ticket(P80, deadTimeouts("a", "10.0.1.2"), healthy("b", "10.0.3.2")));
        }

        @Test
        void notOnAHealthyPath() {
            none(rule, ticket(P80, healthy("a", "10.0.1.2")));
        }

        @Test
        void droppedPortWithPassingHealthChecksIsNotAMissingListener() {
            VantageEvidence a = vantage("a", "10.0.1.2", ping(20, 20), List.of(tcp(80, 0, 0, 20)));
            none(rule, ticket(facts(P80, List.of(), TicketFacts.HEALTH_PASSING), List.of(), a));
        }
    }

    @Nested
    class RpFilter {
        final RpFilterRule rule = new RpFilterRule();
        final VantageEvidence a = vantage("a", "10.0.1.2", ping(20, 20), List.of(tcp(80, 0, 0, 20)));
        final VantageEvidence b = vantage("b", "10.0.3.2", ping(20, 20), List.of(tcp(80, 0, 0, 20)));

        @Test
        void hostcheckFindingRpFilterMakesItHigh() {
            TicketEvidence e = ticket(facts(P80, List.of("10.0.2.5"), TicketFacts.HEALTH_UNKNOWN),
                    List.of(hostcheck("backend1", 1, 0, List.of("10.0.2.5"), List.of())), a, b);
            Finding f = only(rule, e);
            assertEquals(Confidence.HIGH, f.confidence());
            assertTrue(any(f.nextSteps(), "net.ipv4.conf.all.rp_filter = 0"), f.nextSteps()::toString);
            assertTrue(any(f.nextSteps(), "sysctl -p"));
            assertTrue(any(f.evidence(), "hostcheck backend1"));
        }

        @Test
        void passingHealthChecksWithoutHostcheckIsMedium() {
            Finding f = only(rule, ticket(facts(P80, List.of(), TicketFacts.HEALTH_PASSING), List.of(), a, b));
            assertEquals(Confidence.MEDIUM, f.confidence());
            for (String line : List.of("net.ipv4.conf.all.rp_filter = 0", "net.ipv4.conf.default.rp_filter = 0",
                    "net.ipv4.conf.eth0.rp_filter = 0", "sysctl -p", "pathprobe hostcheck")) {
                assertTrue(any(f.nextSteps(), line), line);
            }
        }

        @Test
        void patternAloneIsLow() {
            assertEquals(Confidence.LOW, only(rule, ticket(P80, a, b)).confidence());
        }

        @Test
        void oneBackendOfSeveralFilteringGivesPartialTimeoutsEverywhere() {
            VantageEvidence pa = vantage("a", "10.0.1.2", ping(20, 20), List.of(tcp(80, 10, 0, 10)));
            VantageEvidence pb = vantage("b", "10.0.3.2", ping(20, 20), List.of(tcp(80, 10, 0, 10)));
            assertEquals(Confidence.MEDIUM,
                    only(rule, ticket(facts(P80, List.of(), TicketFacts.HEALTH_PASSING), List.of(), pa, pb))
                            .confidence());
        }

        @Test
        void ruledOutWhenEveryBackendWasCheckedAndIsClean() {
            TicketEvidence e = ticket(facts(P80, List.of("10.0.2.5"), TicketFacts.HEALTH_PASSING),
                    List.of(hostcheck("backend1", 0, 0, List.of("10.0.2.5"), List.of())), a, b);
            none(rule, e);
        }

        @Test
        void notWhenACleanHostcheckMissesABackend() {
            TicketEvidence e = ticket(facts(P80, List.of("10.0.2.5", "10.0.2.6"), TicketFacts.HEALTH_PASSING),
                    List.of(hostcheck("backend1", 0, 0, List.of("10.0.2.5"), List.of())), a, b);
            assertEquals(Confidence.MEDIUM, only(rule, e).confidence());
        }

        @Test
        void notWhenRefused() {
            VantageEvidence r = vantage("a", "10.0.1.2", ping(20, 20), List.of(tcp(80, 0, 20, 0)));
            none(rule, ticket(facts(P80, List.of(), TicketFacts.HEALTH_PASSING), List.of(), r));
        }

        @Test
        void notWhenTheVipIsSilent() {
            none(rule, ticket(facts(P80, List.of(), TicketFacts.HEALTH_PASSING), List.of(),
                    deadTimeouts("a", "10.0.1.2")));
        }

        @Test
        void notWhenAnotherClientConnects() {
            none(rule, ticket(facts(P80, List.of(), TicketFacts.HEALTH_PASSING), List.of(), a,
                    healthy("b", "10.0.3.2")));
        }
    }

    @Nested
    class BackendLoop {
        final BackendLoopRule rule = new BackendLoopRule();
        final VantageEvidence backend = vantage("netns:backend1", "10.0.2.5", ping(60, 60),
                List.of(tcp(80, 45, 0, 15)));

        @Test
        void backendWithScatteredFailuresAndCleanOthersIsHigh() {
            TicketEvidence e = ticket(facts(P80, List.of("10.0.2.5", "10.0.2.6", "10.0.2.7", "10.0.2.8"),
                    TicketFacts.HEALTH_UNKNOWN), List.of(), backend, healthy("b", "10.0.3.2"));
            Finding f = only(rule, e);
            assertEquals(Confidence.HIGH, f.confidence());
            assertTrue(f.summary().contains("fits 1 of the 4 backends"), f.summary());
            assertTrue(f.summary().contains("This host is a backend of the load balancer"), f.summary());
        }

        @Test
        void hostcheckOnTheBackendIdentifiesIt() {
            TicketEvidence e = ticket(facts(P80, List.of(), TicketFacts.HEALTH_UNKNOWN),
                    List.of(hostcheck("backend1", 0, 0, List.of("10.0.2.5"), List.of("10.0.2.5", "10.0.2.6"))),
                    backend, healthy("b", "10.0.3.2"));
            assertEquals(Confidence.HIGH, only(rule, e).confidence());
        }

        @Test
        void backendAloneIsMedium() {
            TicketEvidence e = ticket(facts(P80, List.of("10.0.2.5", "10.0.2.6", "10.0.2.7", "10.0.2.8"),
                    TicketFacts.HEALTH_UNKNOWN), List.of(), backend);
            assertEquals(Confidence.MEDIUM, only(rule, e).confidence());
        }

        @Test
        void shareThatFitsNoWholeNumberOfTheBackendsIsOneStepLower() {
            // 6 of 60 against 1 of 2 backends: the Wilson interval at z = 3.89 is about [0.02, 0.34], 0.5 is out.
            VantageEvidence few = vantage("netns:backend1", "10.0.2.5", ping(60, 60), List.of(tcp(80, 54, 0, 6)));
            TicketEvidence e = ticket(facts(P80, List.of("10.0.2.5", "10.0.2.6"), TicketFacts.HEALTH_UNKNOWN),
                    List.of(), few, healthy("b", "10.0.3.2"));
            Finding f = only(rule, e);
            assertEquals(Confidence.MEDIUM, f.confidence());
            assertTrue(f.summary().contains("does not fit 1 of the 2 backends"), f.summary());
        }

        @Test
        void aHostThatListensOnThePortItselfIsMediumAloneWithoutBackends() {
            // The field report: the only client is itself a backend, 3 of 8 connects fail, no --backends.
            VantageEvidence self = vantage("local", "10.0.2.5", ping(8, 8), List.of(tcp(80, 5, 0, 3)))
                    .withSelf(listening(80));
            TicketEvidence e = ticket(P80, self);
            Finding f = only(rule, e);
            assertEquals(Confidence.MEDIUM, f.confidence());
            assertTrue(f.summary().contains("This host listens on :80 itself — is it one of the load balancer's"
                    + " backends?"), f.summary());
            Diagnosis d = new Diagnoser().diagnose(e);
            assertEquals(Cause.BACKEND_LOOP.id(), d.verdict(), d::headline);
            Finding rp = d.findings().stream().filter(x -> x.cause() == Cause.RP_FILTER).findFirst().orElseThrow();
            assertEquals(Confidence.LOW, rp.confidence());
            assertFalse(rp.summary().contains("every client"), rp.summary());
            assertTrue(rp.summary().contains("3 of 8 connects (37.5%) fail"), rp.summary());
            assertTrue(any(d.nextSteps(), "To tell cause 2 from cause 3"), d.nextSteps()::toString);
        }

        @Test
        void severalLoopingBackendsAreOneFinding() {
            VantageEvidence be2 = vantage("netns:backend2", "10.0.2.6", ping(60, 60), List.of(tcp(80, 44, 0, 16)));
            TicketEvidence e = ticket(facts(P80, List.of("10.0.2.5", "10.0.2.6", "10.0.2.7"),
                    TicketFacts.HEALTH_UNKNOWN), List.of(), backend, be2, healthy("b", "10.0.3.2"));
            Finding f = only(rule, e);
            assertEquals(Confidence.HIGH, f.confidence());
            assertTrue(f.summary().contains("netns:backend1") && f.summary().contains("netns:backend2"), f.summary());
            assertTrue(f.summary().contains("These hosts are backends"), f.summary());
        }

        @Test
        void notWhenBackendsAreGivenAndTheHostIsNoneAndDoesNotListen() {
            VantageEvidence v = vantage("a", "10.0.9.9", ping(60, 60), List.of(tcp(80, 45, 0, 15)))
                    .withSelf(listening());
            none(rule, ticket(facts(P80, List.of("10.0.2.5", "10.0.2.6"), TicketFacts.HEALTH_UNKNOWN), List.of(),
                    v, healthy("b", "10.0.3.2")));
        }

        @Test
        void unknownHostWithCleanOthersIsLowAndAsksForHostcheck() {
            Finding f = only(rule, ticket(P80, backend, healthy("b", "10.0.3.2")));
            assertEquals(Confidence.LOW, f.confidence());
            assertTrue(any(f.nextSteps(), "hostcheck --backends"));
        }

        @Test
        void notWhenFailuresComeInOneBlock() {
            VantageEvidence block = vantage("netns:backend1", "10.0.2.5", ping(60, 60),
                    List.of(tcpBlock(80, 45, 0, 15)));
            none(rule, ticket(facts(P80, List.of("10.0.2.5"), TicketFacts.HEALTH_UNKNOWN), List.of(), block,
                    healthy("b", "10.0.3.2")));
        }

        @Test
        void notWhenOtherClientsFailToo() {
            VantageEvidence other = vantage("b", "10.0.3.2", ping(60, 60), List.of(tcp(80, 45, 0, 15)));
            none(rule, ticket(facts(P80, List.of("10.0.2.5"), TicketFacts.HEALTH_UNKNOWN), List.of(), backend,
                    other));
        }

        @Test
        void notWhenPingLosesToo() {
            VantageEvidence lossy = vantage("netns:backend1", "10.0.2.5", ping(60, 45), List.of(tcp(80, 45, 0, 15)));
            none(rule, ticket(facts(P80, List.of("10.0.2.5"), TicketFacts.HEALTH_UNKNOWN), List.of(), lossy,
                    healthy("b", "10.0.3.2")));
        }
    }

    @Nested
    class ClientPath {
        final ClientPathRule rule = new ClientPathRule();

        static TraceEvidence lossFrom2(String hop2) {
            return trace("icmp", 0, 2, hop(1, "192.168.1.1", 100, 0, false), hop(2, hop2, 100, 30, false),
                    hop(3, VIP, 100, 30, true));
        }

        static VantageEvidence lossy(String hop2) {
            return vantage("a", "10.0.1.2", ping(100, 70), List.of(tcp(80, 80, 0, 20)), lossFrom2(hop2));
        }

        @Test
        void persistentLossFromAHopWithACleanOtherClientIsHigh() {
            Finding f = only(rule, ticket(P80, lossy("198.51.100.1"), healthy("b", "10.0.3.2")));
            assertEquals(Confidence.HIGH, f.confidence());
            assertTrue(f.summary().contains("hop 2 (198.51.100.1)"), f.summary());
            assertTrue(any(f.nextSteps(), "carrier"), f.nextSteps()::toString);
        }

        @Test
        void lossAfterTheClientsRouterPointsToItsUplinkNotItsOwnNetwork() {
            // A private hop 2 is not the client's: hop 1 (on its link) is its router, hop 2 is past it.
            Finding f = only(rule, ticket(P80, lossy("10.20.0.1"), healthy("b", "10.0.3.2")));
            assertTrue(any(f.nextSteps(), "after hop 1 (192.168.1.1), the client's own router"),
                    f.nextSteps()::toString);
            assertFalse(any(f.nextSteps(), "inside the client's own network"), f.nextSteps()::toString);
        }

        @Test
        void lossFromTheFirstHopIsInsideTheClientsOwnNetwork() {
            TraceEvidence t = trace("icmp", 0, 1, hop(1, "192.168.1.1", 100, 30, false),
                    hop(2, "198.51.100.1", 100, 30, false), hop(3, VIP, 100, 30, true));
            VantageEvidence v = vantage("a", "192.168.1.2", ping(100, 70), List.of(tcp(80, 80, 0, 20)), t);
            Finding f = only(rule, ticket(P80, v, healthy("b", "10.0.3.2")));
            assertTrue(any(f.nextSteps(), "inside the client's own network"), f.nextSteps()::toString);
        }

        @Test
        void aPrivateHopTwoRoutersOnIsNotCalledTheClientsOwn() {
            TraceEvidence t = trace("icmp", 0, 3, hop(1, "192.168.1.1", 100, 0, false),
                    hop(2, "10.20.0.1", 100, 0, false), hop(3, "10.20.1.1", 100, 30, false),
                    hop(4, VIP, 100, 30, true));
            VantageEvidence v = vantage("a", "192.168.1.2", ping(100, 70), List.of(tcp(80, 80, 0, 20)), t)
                    .withSelf(new SelfCheck(List.of("192.168.1.2"), List.of(), List.of("192.168.1.0/24"),
                            List.of("192.168.1.1"), null, null, null));
            Finding f = only(rule, ticket(P80, v, healthy("b", "10.0.3.2")));
            assertTrue(any(f.nextSteps(), "past the client's own router and before any public address"),
                    f.nextSteps()::toString);
            assertFalse(any(f.nextSteps(), "inside the client's own network"), f.nextSteps()::toString);
        }

        @Test
        void carrierGradeNatSpaceIsTheCarriers() {
            Finding f = only(rule, ticket(P80, lossy("100.64.3.1"), healthy("b", "10.0.3.2")));
            assertTrue(any(f.nextSteps(), "carrier-grade NAT space"), f.nextSteps()::toString);
        }

        @Test
        void traceWithoutAnotherClientIsMedium() {
            assertEquals(Confidence.MEDIUM, only(rule, ticket(P80, lossy("198.51.100.1"))).confidence());
        }

        @Test
        void pingLossAloneIsLow() {
            VantageEvidence v = vantage("a", "10.0.1.2", ping(100, 70), List.of(tcp(80, 100, 0, 0)));
            assertEquals(Confidence.LOW, only(rule, ticket(P80, v)).confidence());
        }

        @Test
        void lossFromEveryClientIsLow() {
            VantageEvidence b = vantage("b", "10.0.3.2", ping(100, 70), List.of(tcp(80, 80, 0, 20)),
                    lossFrom2("198.51.100.9"));
            assertEquals(Confidence.LOW, only(rule, ticket(P80, lossy("198.51.100.1"), b)).confidence());
        }

        static TraceEvidence slowFrom2(double hop2, double hop3) {
            return trace("icmp", 0, null, Ev.hopAvg(1, "192.168.1.1", 1, false),
                    Ev.hopAvg(2, "198.51.100.1", hop2, false), Ev.hopAvg(3, VIP, hop3, true));
        }

        @Test
        void delayThatRisesAtAHopAndStaysIsHighWithAFasterOtherClient() {
            VantageEvidence a = vantage("a", "10.0.1.2", Ev.pingAvg(100, 61), List.of(tcp(80, 100, 0, 0)),
                    slowFrom2(60, 61));
            VantageEvidence b = vantage("b", "10.0.3.2", Ev.pingAvg(100, 2), List.of(tcp(80, 100, 0, 0)), cleanTrace());
            Finding f = only(rule, ticket(P80, a, b));
            assertEquals(Confidence.HIGH, f.confidence());
            assertTrue(f.summary().contains("delay rises by 59 ms at hop 2 (198.51.100.1)"), f.summary());
        }

        @Test
        void delayEveryClientSharesIsLow() {
            VantageEvidence a = vantage("a", "10.0.1.2", Ev.pingAvg(100, 61), List.of(tcp(80, 100, 0, 0)),
                    slowFrom2(60, 61));
            VantageEvidence b = vantage("b", "10.0.3.2", Ev.pingAvg(100, 58), List.of(tcp(80, 100, 0, 0)));
            assertEquals(Confidence.LOW, only(rule, ticket(P80, a, b)).confidence());
        }

        @Test
        void tcpTraceRttsInflatedByRetransmissionsAreNotDelay() {
            TraceEvidence tcpTrace = trace("tcp", 80, null, Ev.hopAvg(1, "192.168.1.1", 1, false),
                    Ev.hopAvg(2, "198.51.100.1", 400, false), Ev.hopAvg(3, VIP, 400, true));
            VantageEvidence a = vantage("a", "10.0.1.2", Ev.pingAvg(100, 3), List.of(tcp(80, 100, 0, 0)), tcpTrace);
            none(rule, ticket(P80, a, healthy("b", "10.0.3.2")));
        }

        @Test
        void notForASlowAnswerThatDoesNotCarryOn() {
            VantageEvidence a = vantage("a", "10.0.1.2", Ev.pingAvg(100, 3), List.of(tcp(80, 100, 0, 0)),
                    slowFrom2(60, 3));
            none(rule, ticket(P80, a, healthy("b", "10.0.3.2")));
        }

        @Test
        void notForRateLimitedIntermediateHop() {
            HopEvidence h1 = new HopEvidence(1, List.of("192.168.1.1"), 100, 60, 40, 1.0, 1.0, 1.0, 1.0, 0.1,
                    true, false);
            TraceEvidence t = trace("icmp", 0, null, h1, hop(2, "198.51.100.1", 100, 0, false),
                    hop(3, VIP, 100, 0, true));
            none(rule, ticket(P80, vantage("a", "10.0.1.2", ping(100, 100), List.of(tcp(80, 100, 0, 0)), t)));
        }

        @Test
        void notForASilentVipBehindCleanRouters() {
            TraceEvidence t = trace("icmp", 0, 3, hop(1, "192.168.1.1", 20, 0, false),
                    hop(2, "198.51.100.1", 20, 0, false), hop(3, VIP, 20, 100, false), hop(4, VIP, 20, 100, false));
            none(rule, ticket(P80, vantage("a", "10.0.1.2", ping(20, 0), List.of(tcp(80, 0, 0, 20)), t),
                    healthy("b", "10.0.3.2")));
        }
    }

    @Nested
    class ClientIpBlocked {
        final ClientIpBlockedRule rule = new ClientIpBlockedRule();

        static TraceEvidence silentVip() {
            return trace("icmp", 0, 3, hop(1, "192.168.1.1", 20, 0, false), hop(2, "198.51.100.1", 20, 0, false),
                    hop(3, "", 20, 100, false));
        }

        @Test
        void silentOnlyFromHereWithCleanRoutersIsHighAndNamesTheIp() {
            VantageEvidence a = withPublicIp(vantage("a", "10.0.1.2", ping(20, 0), List.of(tcp(80, 0, 0, 20)),
                    silentVip()), "198.51.100.7");
            Finding f = only(rule, ticket(P80, a, healthy("b", "10.0.3.2")));
            assertEquals(Confidence.HIGH, f.confidence());
            assertTrue(any(f.nextSteps(), "Add public IP 198.51.100.7 (this client's network) to the access whitelist"),
                    f.nextSteps()::toString);
        }

        @Test
        void privateSourceWithoutPublicIpSaysSo() {
            VantageEvidence a = vantage("a", "10.0.1.2", ping(20, 0), List.of(tcp(80, 0, 0, 20)), silentVip());
            Finding f = only(rule, ticket(P80, a, healthy("b", "10.0.3.2")));
            assertTrue(any(f.nextSteps(), "10.0.1.2 is a private source address"));
            assertTrue(any(f.nextSteps(), "access whitelist"));
        }

        @Test
        void withoutTraceIsMedium() {
            assertEquals(Confidence.MEDIUM,
                    only(rule, ticket(P80, deadTimeouts("a", "10.0.1.2"), healthy("b", "10.0.3.2"))).confidence());
        }

        @Test
        void withoutAnotherClientIsLow() {
            assertEquals(Confidence.LOW, only(rule, ticket(P80, deadTimeouts("a", "10.0.1.2"))).confidence());
        }

        @Test
        void lossBeforeTheVipIsLow() {
            TraceEvidence t = trace("icmp", 0, 2, hop(1, "192.168.1.1", 20, 0, false),
                    hop(2, "198.51.100.1", 20, 60, false), hop(3, "", 20, 100, false));
            VantageEvidence a = vantage("a", "10.0.1.2", ping(20, 0), List.of(tcp(80, 0, 0, 20)), t);
            assertEquals(Confidence.LOW, only(rule, ticket(P80, a, healthy("b", "10.0.3.2"))).confidence());
        }

        @Test
        void notWhenRefused() {
            VantageEvidence a = vantage("a", "10.0.1.2", ping(20, 0), List.of(tcp(80, 0, 20, 0)));
            none(rule, ticket(P80, a, healthy("b", "10.0.3.2")));
        }

        @Test
        void notWhenEveryClientFails() {
            none(rule, ticket(P80, deadTimeouts("a", "10.0.1.2"), deadTimeouts("b", "10.0.3.2")));
        }

        @Test
        void notWhenSomethingConnects() {
            VantageEvidence a = vantage("a", "10.0.1.2", ping(20, 0), List.of(tcp(80, 5, 0, 15)));
            none(rule, ticket(P80, a, healthy("b", "10.0.3.2")));
        }
    }

    static VantageEvidence withPublicIp(VantageEvidence v, String ip) {
        return new VantageEvidence(v.id(), v.kind(), Map.of(), v.sourceAddress(), ip, v.ping(), v.traces(), v.tcp(),
                v.notes());
    }

    @Test
    void everyRuleDocumentsWhatItNeeds() {
        for (DiagnosisRule r : Diagnoser.defaultRules()) {
            assertTrue(r.needs().length() > 80, r.cause() + " documents its evidence");
        }
        assertEquals(5, Diagnoser.defaultRules().stream().map(DiagnosisRule::cause).distinct().count());
    }

    @Test
    void seriesHealthThresholds() {
        assertEquals(Health.UNMEASURED, Signals.health(ping(4, 0)));
        assertEquals(Health.DEAD, Signals.health(ping(5, 0)));
        assertEquals(Health.CLEAN, Signals.health(ping(20, 19)), "one loss in a short run is no fault");
        assertEquals(Health.PARTIAL, Signals.health(ping(20, 18)));
        assertEquals(Health.CLEAN, Signals.health(ping(600, 594)), "1% background loss");
        assertEquals(Health.PARTIAL, Signals.health(ping(600, 593)));
        ProbeSeries spread = tcp(80, 45, 0, 15);
        assertTrue(Signals.failuresSpread(spread));
        assertTrue(!Signals.failuresSpread(tcpBlock(80, 45, 0, 15)));
    }
}
