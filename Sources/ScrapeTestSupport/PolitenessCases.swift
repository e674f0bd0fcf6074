/// The rules, one case each. Times are milliseconds; unless a case says otherwise the
/// breaker opens after 3 failures in a row, cools down for 1 s (doubling up to 4 s) and
/// gives up after 60 s, with no per-host rate and 8 requests in flight at most.
///
/// Where `scrape run` and the fleet answer differently today, the event names both
/// answers and the case says why: those differences are reported, not settled here.
extension PolitenessCase {
    /// Every case, breaker first.
    public static let all: [PolitenessCase] = breaker + rate

    static let breaker: [PolitenessCase] = [
        PolitenessCase(
            "failures below the threshold keep it closed; a success starts the count again",
            [
                .ask("a", at: 0, .go), .ask("b", at: 0, .go), .ask("c", at: 0, .go),
                .fail("a", at: 100), .fail("b", at: 100),  // 2 of 3
                .ask("d", at: 150, .go),
                .succeed("c", at: 200),  // the count starts again
                .ask("e", at: 250, .go),
                .fail("d", at: 300), .fail("e", at: 300),  // 2 in a row since the success
                .ask("f", at: 400, .go),
            ]),
        PolitenessCase(
            "reaching the threshold opens it for the cooldown; then one probe goes",
            [
                .ask("a", at: 0, .go), .ask("b", at: 0, .go), .ask("c", at: 0, .go),
                .fail("a", at: 100), .fail("b", at: 100), .fail("c", at: 200),  // open 200..1200
                .ask("d", at: 300, .refused(until: 1200)),
                .ask("d", at: 1199, .refused(until: 1200)),
                .ask("d", at: 1200, .probe),
            ]),
        PolitenessCase(
            "half-open lets one probe out at a time; its success closes the breaker",
            [
                .ask("a", at: 0, .go), .ask("b", at: 0, .go), .ask("c", at: 0, .go),
                .fail("a", at: 100), .fail("b", at: 100), .fail("c", at: 100),  // open until 1100
                .ask("p", at: 1100, .probe),
                .ask("q", at: 1150, .wait),
                .succeed("p", at: 1200),
                .ask("q", at: 1250, .go), .ask("r", at: 1250, .go),
            ]),
        PolitenessCase(
            "a failed probe reopens it for twice the last cooldown, up to the maximum",
            settings: .init(maximumCooldown: 3000),
            [
                .ask("a", at: 0, .go), .ask("b", at: 0, .go), .ask("c", at: 0, .go),
                .fail("a", at: 100), .fail("b", at: 100), .fail("c", at: 100),  // open for 1 s
                .ask("p1", at: 1100, .probe), .fail("p1", at: 1200),  // for 2 s
                .ask("x", at: 1300, .refused(until: 3200)),
                .ask("p2", at: 3200, .probe), .fail("p2", at: 3300),  // for 3 s: the maximum, not 4
                .ask("x", at: 3400, .refused(until: 6300)),
                .ask("p3", at: 6300, .probe), .fail("p3", at: 6400),  // for 3 s again
                .ask("x", at: 6500, .refused(until: 9400)),
            ]),
        PolitenessCase(
            "a success closes it and forgets: the count starts over, the next opening has the first cooldown",
            [
                .ask("a", at: 0, .go), .ask("b", at: 0, .go), .ask("c", at: 0, .go),
                .fail("a", at: 100), .fail("b", at: 100), .fail("c", at: 100),
                .ask("p1", at: 1100, .probe), .fail("p1", at: 1200),  // open for 2 s
                .ask("p2", at: 3200, .probe), .succeed("p2", at: 3300),  // closed
                .ask("d", at: 3400, .go), .ask("e", at: 3400, .go), .ask("f", at: 3400, .go),
                .fail("d", at: 3500), .fail("e", at: 3500),
                .ask("g", at: 3600, .go),
                .fail("f", at: 3700),  // the third: open for 1 s, not 4
                .ask("h", at: 3800, .refused(until: 4700)),
            ]),
        PolitenessCase(
            "a failure of a request in flight when the breaker opened changes nothing",
            [
                .ask("a", at: 0, .go), .ask("b", at: 0, .go), .ask("c", at: 0, .go), .ask("d", at: 0, .go),
                .fail("a", at: 100), .fail("b", at: 100), .fail("c", at: 100),  // open until 1100
                .fail("d", at: 200),  // sent before it opened
                .ask("x", at: 300, .refused(until: 1100)),
                .ask("p", at: 1100, .probe), .fail("p", at: 1200),
                .ask("x", at: 1300, .refused(until: 3200)),  // doubled once, not twice
            ]),
        PolitenessCase(
            "give_up_after ends the waiting requests of a host that stays broken",
            settings: .init(giveUpAfter: 2500),
            difference: """
                run gives up at broken_since + give_up_after (2700), while the breaker is open, and at the end \
                of a cooldown sends a probe however long the host has been broken; the fleet's claim skips a \
                host while its breaker is open, so it gives up only at the end of the cooldown that outlasts \
                give_up_after (3300), and then instead of a probe.
                """,
            [
                .ask("a", at: 0, .go), .ask("b", at: 0, .go), .ask("c", at: 0, .go),
                .fail("a", at: 200), .fail("b", at: 200), .fail("c", at: 200),  // broken since 200
                .ask("p", at: 1200, .probe), .fail("p", at: 1300),  // open until 3300
                .ask("x", at: 1400, run: .refused(until: 2700), fleet: .refused(until: 3300)),
                .ask("x", at: 2700, run: .giveUp, fleet: .refused(until: 3300)),
                .ask("y", at: 3300, run: .probe, fleet: .giveUp),
            ]),
        PolitenessCase(
            "an answer to a request sent before the breaker opened",
            difference: """
                run ignores every outcome while the breaker is open (CircuitBreaker.record: a request that was \
                in flight when it opened), a success too; the fleet's finish takes any answer as the host \
                healthy again and closes the breaker.
                """,
            [
                .ask("a", at: 0, .go), .ask("b", at: 0, .go), .ask("c", at: 0, .go), .ask("d", at: 0, .go),
                .fail("a", at: 100), .fail("b", at: 100), .fail("c", at: 100),  // open until 1100
                .succeed("d", at: 200),
                .ask("x", at: 300, run: .refused(until: 1100), fleet: .go),
            ]),
        PolitenessCase(
            "a 429 is not a failure",
            difference: """
                run's breaker neither counts a 429 nor resets on it (AttemptOutcome.throttled); the fleet \
                worker reports it (and any neutral outcome) as the host answering, which resets the count.
                """,
            [
                .ask("a", at: 0, .go), .ask("b", at: 0, .go), .ask("c", at: 0, .go), .ask("d", at: 0, .go),
                .fail("a", at: 100), .fail("b", at: 100),
                .throttle("d", at: 150),
                .fail("c", at: 200),  // run: the third failure in a row; fleet: the first since an answer
                .ask("x", at: 300, run: .refused(until: 1200), fleet: .go),
            ]),
    ]

    static let rate: [PolitenessCase] = [
        PolitenessCase(
            "per-host rate spaces requests by 1/rate",
            settings: .init(perHostRate: 4),  // one every 250 ms
            [
                .ask("a", at: 0, .go),
                .ask("b", at: 0, .goAt(250)),
                .ask("c", at: 100, .goAt(500)),
                .ask("d", at: 1000, .go),  // its slot (750) has passed: no catching up
                .ask("e", at: 1000, .goAt(1250)),
            ]),
        PolitenessCase(
            "a stricter Crawl-delay wins over the rate",
            settings: .init(perHostRate: 4),
            [
                .ask("a", at: 0, .go),
                .succeed("a", at: 100, crawlDelay: 1000),
                .ask("b", at: 100, .goAt(250)),  // its slot was set at the job's pace
                .ask("c", at: 100, .goAt(1250)),  // then one a second
                .ask("d", at: 1300, .goAt(2250)),
            ]),
        PolitenessCase(
            "a laxer Crawl-delay changes nothing",
            settings: .init(perHostRate: 2),  // one every 500 ms
            [
                .ask("a", at: 0, .go),
                .succeed("a", at: 100, crawlDelay: 200),
                .ask("b", at: 100, .goAt(500)),
                .ask("c", at: 100, .goAt(1000)),
            ]),
        PolitenessCase(
            "a Crawl-delay on a host without a rate",
            difference: """
                run spaces the first request after the Crawl-delay is learnt from the last request sent \
                (HostQueues keeps the last dispatch for it); the fleet's next slot was fixed when the last \
                request was claimed, with no spacing, so the next request goes at once and the delay counts \
                from it.
                """,
            [
                .ask("a", at: 0, .go),
                .succeed("a", at: 100, crawlDelay: 1000),
                .ask("b", at: 100, run: .goAt(1000), fleet: .go),
                .ask("c", at: 100, run: .goAt(2000), fleet: .goAt(1100)),
            ]),
    ]
}
