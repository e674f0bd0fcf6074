import Foundation

/// A strict reader of the Prometheus text exposition format (version 0.0.4), enough to
/// check that `/metrics` is valid: every line is a `# TYPE`/`# HELP` comment or a sample
/// `name{label="value",...} number`, and every sample's family was declared first.
struct PrometheusText {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sample values by `name{labels}` as written.
    private(set) var samples: [String: Double] = [:]
    /// Family name → type.
    private(set) var types: [String: String] = [:]

    init(_ text: String) throws {
        let namePattern = #"[a-zA-Z_:][a-zA-Z0-9_:]*"#
        let labelPattern = #"[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*""#
        let sample = try NSRegularExpression(pattern: "^(\(namePattern))(\\{(\(labelPattern))(,\(labelPattern))*\\})? (\\S+)$")
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    throw Failure(description: "bad TYPE line: \(line)")
                }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            let text = String(line)
            guard let match = sample.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                let nameRange = Range(match.range(at: 1), in: text),
                let valueRange = Range(match.range(at: match.numberOfRanges - 1), in: text)
            else { throw Failure(description: "not a sample line: \(line)") }
            let name = String(text[nameRange])
            let valueText = String(text[valueRange])
            guard let value = Double(valueText) ?? (valueText == "+Inf" ? .infinity : valueText == "-Inf" ? -.infinity : valueText == "NaN" ? .nan : nil) else {
                throw Failure(description: "bad value in: \(line)")
            }
            let family = ["_bucket", "_sum", "_count"].reduce(name) { current, suffix in
                current.hasSuffix(suffix) && types[current] == nil ? String(current.dropLast(suffix.count)) : current
            }
            guard types[family] != nil else { throw Failure(description: "sample before its TYPE: \(line)") }
            samples[String(text[..<valueRange.lowerBound].dropLast())] = value
        }
    }

    /// The sum of every sample of `name` whose labels contain all of `labels`.
    func total(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { key, _ in
            guard key == name || key.hasPrefix(name + "{") else { return false }
            return labels.allSatisfy { key.contains("\($0.key)=\"\($0.value)\"") }
        }
        return matching.isEmpty ? nil : matching.values.reduce(0, +)
    }
}
