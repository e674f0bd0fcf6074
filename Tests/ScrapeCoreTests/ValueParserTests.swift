import ScrapeCore
import Testing

/// Durations, sizes and rates as flags and config files write them.
struct ValueParserTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)), ("30s", .seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3600)),
        ("1d", .seconds(86400)), ("1.5s", .milliseconds(1500)), ("0s", .zero), (" 10s ", .seconds(10)),
    ])
    func parsesDurations(text: String, expected: Duration) {
        #expect(Duration(parsing: text) == expected)
    }

    @Test(arguments: ["", "10", "s", "-1s", "+1s", "10 sec", "1e3ms", "10 s", "abc", "1.2.3s", "inf s"])
    func rejectsBadDurations(text: String) {
        #expect(Duration(parsing: text) == nil)
    }

    @Test(arguments: [(Duration.milliseconds(250), "250ms"), (.seconds(30), "30s"), (.seconds(300), "5m"), (.seconds(7200), "2h")])
    func describesDurations(duration: Duration, text: String) {
        #expect(duration.configDescription == text)
    }

    @Test(arguments: [
        ("512", 512), ("64KB", 64_000), ("64KiB", 65_536), ("10MiB", 10_485_760), ("1GB", 1_000_000_000),
        ("1.5MiB", 1_572_864), ("2M", 2_097_152), ("100B", 100),
    ])
    func parsesSizes(text: String, bytes: Int) {
        #expect(ByteCount(parsing: text)?.bytes == bytes)
    }

    @Test(arguments: ["", "MiB", "-1MiB", "ten", "1.5B", "10 MiBs", "1e6"])
    func rejectsBadSizes(text: String) {
        #expect(ByteCount(parsing: text) == nil)
    }

    @Test(arguments: [("10/s", 10.0), ("600/m", 10.0), ("0.5/s", 0.5), ("3600/h", 1.0)])
    func parsesRates(text: String, perSecond: Double) {
        #expect(Rate(parsing: text)?.perSecond == perSecond)
    }

    @Test(arguments: ["10", "10 per sec", "0/s", "-1/s", "10/d", "/s", "x/s"])
    func rejectsBadRates(text: String) {
        #expect(Rate(parsing: text) == nil)
    }

    @Test(arguments: [
        ("0/s", "a rate more than 0 (leave the setting out for no limit)"), ("10 per sec", "N/s, N/m or N/h"),
    ])
    func rateMismatchesSayWhatIsExpected(text: String, expected: String) {
        #expect(throws: ValueParser.Mismatch.self) { try ValueParser.rate(text) }
        do { _ = try ValueParser.rate(text) } catch { #expect(error.expected == expected) }
    }

    @Test func timeoutsMustBeMoreThanZero() throws {
        #expect(try ValueParser.duration("0s") == .zero)
        #expect(throws: ValueParser.Mismatch.self) { try ValueParser.duration("0s", positive: true) }
        #expect(try ValueParser.duration("250ms", positive: true) == .milliseconds(250))
    }
}
