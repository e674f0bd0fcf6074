/// The parts of a `Content-Type` header the title extractor needs.
struct MediaType {
    /// `type/subtype`, lowercased; nil when there was no header.
    let essence: String?
    /// The `charset` parameter, unquoted; nil when absent or empty.
    let charset: String?

    init(_ header: String?) {
        guard let header else {
            essence = nil
            charset = nil
            return
        }
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        essence = parts.first.map { $0.trimmingCharacters(in: " \t").lowercased() }
        var found: String?
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: " \t").lowercased() == "charset" else { continue }
            var value = pair[1].trimmingCharacters(in: " \t")
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if !value.isEmpty { found = value }
            break
        }
        charset = found
    }

    /// HTML is parsed; so is a response without a type (servers forget it on HTML pages).
    var isHTML: Bool {
        guard let essence, !essence.isEmpty else { return true }
        return essence == "text/html" || essence == "application/xhtml+xml"
    }
}

extension StringProtocol {
    /// Drops the given characters from both ends.
    func trimmingCharacters(in set: String) -> String {
        guard let start = firstIndex(where: { !set.contains($0) }),
            let end = lastIndex(where: { !set.contains($0) })
        else { return "" }
        return String(self[start...end])
    }
}
