import ScrapeBase

extension Duration {
    /// Parses the config and flag form of a duration: a non-negative number and a unit,
    /// `250ms`, `30s`, `5m`, `1h`, `1d`, or `1.5s`. Returns nil for anything else.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: " ")
        let units: [(String, Double)] = [("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, seconds) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            guard let value = Double(number), value >= 0, value.isFinite, number.first != "+",
                number.allSatisfy({ $0.isNumber || $0 == "." })
            else { return nil }
            self = .milliseconds(Int64((value * seconds * 1000).rounded()))
            return
        }
        return nil
    }

    /// The duration in the shortest exact unit, as the config file writes it: `250ms`, `30s`, `5m`.
    public var configDescription: String {
        let ms = inMilliseconds
        if ms % 3_600_000 == 0, ms > 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0, ms > 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}
