import ScrapeBase

/// A size in bytes, written `512`, `64KB`, `10MiB`, `1GB` in flags and config files.
///
/// `KB`/`MB`/`GB` are powers of 1000 and `KiB`/`MiB`/`GiB` powers of 1024, as their
/// names say; `K`/`M`/`G` alone are taken as binary, as most tools do.
public struct ByteCount: Sendable, Hashable, CustomStringConvertible {
    /// The number of bytes.
    public var bytes: Int

    /// Wraps a byte count.
    public init(bytes: Int) { self.bytes = bytes }

    /// Parses the text form; nil when it is not a non-negative whole size.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: " ")
        let units: [(String, Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
            ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1), ("", 1),
        ]
        for (suffix, multiplier) in units where trimmed.hasSuffix(suffix) {
            let number = String(trimmed.dropLast(suffix.count)).trimmingCharacters(in: " ")
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let value = Double(number), value >= 0
            else { continue }
            let total = value * Double(multiplier)
            guard total < Double(Int.max), total == total.rounded(.down) else { return nil }
            self.bytes = Int(total)
            return
        }
        return nil
    }

    /// The shortest exact binary form: `10MiB`, `512KiB`, `1000`.
    public var description: String {
        for (suffix, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes > 0 && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return "\(bytes)"
    }
}
