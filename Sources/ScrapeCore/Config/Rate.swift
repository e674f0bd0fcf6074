import ScrapeBase

/// A request rate: `10/s`, `600/m`, `0.5/s`, `100/h`.
public struct Rate: Sendable, Hashable, CustomStringConvertible {
    /// Requests per second.
    public var perSecond: Double

    /// A rate of `perSecond` requests per second; must be positive.
    public init(perSecond: Double) { self.perSecond = perSecond }

    /// Parses `N/s`, `N/m` or `N/h` with a positive N; nil otherwise.
    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: " ").split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Double(parts[0].trimmingCharacters(in: " ")),
            parts[0].allSatisfy({ $0 == " " || $0.isNumber || $0 == "." }), count > 0, count.isFinite
        else { return nil }
        switch parts[1].trimmingCharacters(in: " ") {
        case "s": perSecond = count
        case "m": perSecond = count / 60
        case "h": perSecond = count / 3600
        default: return nil
        }
    }

    public var description: String {
        perSecond >= 1 || perSecond == 0 ? "\(Self.trim(perSecond))/s" : "\(Self.trim(perSecond * 60))/m"
    }

    private static func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
