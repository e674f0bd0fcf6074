import ScrapeBase

/// The value parsers that config keys and command-line flags share, so a flag and its key
/// accept the same text and say the same thing about a bad one.
public enum ValueParser {
    /// What a value should have looked like: the `X` of `expected X, got "Y"`.
    public struct Mismatch: Error, Sendable {
        public let expected: String
    }

    /// A whole number of at least `minimum`.
    public static func integer(_ text: String, minimum: Int) throws(Mismatch) -> Int {
        guard let value = Int(text), value >= minimum else { throw Mismatch(expected: "a whole number >= \(minimum)") }
        return value
    }

    /// A per-host concurrency: a whole number >= 1 (fixed), `auto` (adaptive up to
    /// `autoCeiling`) or `auto:N` (adaptive up to N).
    public static func perHostConcurrency(_ text: String, autoCeiling: Int) throws(Mismatch) -> (limit: Int, adaptive: Bool) {
        let expected = "a whole number >= 1, auto or auto:N"
        if text == "auto" { return (autoCeiling, true) }
        if text.hasPrefix("auto:") {
            guard let ceiling = Int(text.dropFirst(5)), ceiling >= 1 else { throw Mismatch(expected: expected) }
            return (ceiling, true)
        }
        guard let value = Int(text), value >= 1 else { throw Mismatch(expected: expected) }
        return (value, false)
    }

    /// A rate, `N/s`, `N/m` or `N/h`, with N more than 0.
    public static func rate(_ text: String) throws(Mismatch) -> Rate {
        if let value = Rate(parsing: text) { return value }
        let count = text.split(separator: "/").first.flatMap { Double($0.trimmingCharacters(in: " ")) }
        if count == 0 { throw Mismatch(expected: "a rate more than 0 (leave the setting out for no limit)") }
        throw Mismatch(expected: "N/s, N/m or N/h")
    }

    /// A duration such as `250ms`, `30s`, `5m`; `positive` refuses `0s` (for timeouts,
    /// where curl would read 0 as "no limit at all").
    public static func duration(_ text: String, positive: Bool = false) throws(Mismatch) -> Duration {
        guard let value = Duration(parsing: text) else { throw Mismatch(expected: "a duration like 250ms, 30s, 5m or 1h") }
        if positive, value <= .zero { throw Mismatch(expected: "a duration more than 0, like 250ms, 30s or 5m") }
        return value
    }

    /// A size such as `512KiB` or `10MiB`.
    public static func byteCount(_ text: String) throws(Mismatch) -> ByteCount {
        guard let value = ByteCount(parsing: text) else { throw Mismatch(expected: "a size like 512KiB or 10MiB") }
        return value
    }
}

extension ValueParser {
    /// `parser` applied to `text`; a mismatch becomes the config error that names `source`
    /// (a key path or a flag) and `line`: the one place flags and keys turn a bad value into
    /// a message, so both say it in the same words.
    public static func parse<T>(
        _ text: String, as source: String, line: Int?, with parser: (String) throws(Mismatch) -> T
    ) throws(ConfigurationError) -> T {
        do throws(Mismatch) {
            return try parser(text)
        } catch {
            throw .expected(error.expected, key: source, got: text, line: line)
        }
    }
}
