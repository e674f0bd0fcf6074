import ScrapeCore
import ScrapeBase
/// Checks that bytes are one JSON value (RFC 8259) and appends them without insignificant
/// whitespace, in one pass and with no allocation: for `scrape ws`, which asks this of
/// every text message. ``JSONParser`` builds a tree with decoded strings, which the API
/// path needs to follow paths; doing that per stream message cost more than everything
/// else on the path put together (docs/benchmarks.md, "Measured choices").
///
/// The bytes must already be valid UTF-8 (a text message is checked as it arrives), so
/// strings are scanned for their grammar only: no control characters, valid escapes.
public enum JSONCompactor {
    /// Appends the compact form of `bytes` to `output` and returns true when `bytes` are
    /// one JSON value; otherwise leaves `output` as it was and returns false.
    public static func appendCompacted(_ bytes: [UInt8], to output: inout [UInt8]) -> Bool {
        let start = output.count
        let valid = bytes.withUnsafeBufferPointer { input in
            var scanner = Scanner(input: input)
            return scanner.document(into: &output)
        }
        if !valid { output.removeSubrange(start...) }
        return valid
    }

    private struct Scanner {
        let input: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func document(into output: inout [UInt8]) -> Bool {
            skipWhitespace()
            guard value(into: &output, depth: 0) else { return false }
            skipWhitespace()
            return position == input.count
        }

        private mutating func skipWhitespace() {
            while position < input.count {
                switch input[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        private mutating func value(into output: inout [UInt8], depth: Int) -> Bool {
            guard position < input.count else { return false }
            switch input[position] {
            case UInt8(ascii: "{"):
                return container(close: UInt8(ascii: "}"), keyed: true, into: &output, depth: depth)
            case UInt8(ascii: "["):
                return container(close: UInt8(ascii: "]"), keyed: false, into: &output, depth: depth)
            case UInt8(ascii: "\""):
                return string(into: &output)
            case UInt8(ascii: "t"):
                return literal("true", into: &output)
            case UInt8(ascii: "f"):
                return literal("false", into: &output)
            case UInt8(ascii: "n"):
                return literal("null", into: &output)
            default:
                return number(into: &output)
            }
        }

        private mutating func container(close: UInt8, keyed: Bool, into output: inout [UInt8], depth: Int) -> Bool {
            guard depth < JSONParser.maxDepth else { return false }
            output.append(input[position])
            position += 1
            skipWhitespace()
            if position < input.count, input[position] == close {
                output.append(close)
                position += 1
                return true
            }
            while true {
                skipWhitespace()
                if keyed {
                    guard position < input.count, input[position] == UInt8(ascii: "\""), string(into: &output) else { return false }
                    skipWhitespace()
                    guard position < input.count, input[position] == UInt8(ascii: ":") else { return false }
                    output.append(UInt8(ascii: ":"))
                    position += 1
                    skipWhitespace()
                }
                guard value(into: &output, depth: depth + 1) else { return false }
                skipWhitespace()
                guard position < input.count else { return false }
                let byte = input[position]
                position += 1
                output.append(byte)
                if byte == close { return true }
                guard byte == UInt8(ascii: ",") else { return false }
            }
        }

        /// A string, copied as it is (escapes kept).
        private mutating func string(into output: inout [UInt8]) -> Bool {
            let start = position
            position += 1
            while position < input.count {
                let byte = input[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<position]))
                    return true
                }
                if byte < 0x20 { return false }
                if byte == UInt8(ascii: "\\") {
                    guard position + 1 < input.count else { return false }
                    switch input[position + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        position += 2
                    case UInt8(ascii: "u"):
                        guard position + 5 < input.count else { return false }
                        for offset in 2...5 where ASCIIHex.value(of: input[position + offset]) == nil { return false }
                        position += 6
                    default:
                        return false
                    }
                    continue
                }
                position += 1
            }
            return false
        }

        private mutating func literal(_ word: StaticString, into output: inout [UInt8]) -> Bool {
            let count = word.utf8CodeUnitCount
            guard position + count <= input.count else { return false }
            for offset in 0..<count where input[position + offset] != word.utf8Start[offset] { return false }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[position..<(position + count)]))
            position += count
            return true
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, copied digit for digit.
        private mutating func number(into output: inout [UInt8]) -> Bool {
            let start = position
            func digits() -> Int {
                let first = position
                while position < input.count, input[position] >= UInt8(ascii: "0"), input[position] <= UInt8(ascii: "9") { position += 1 }
                return position - first
            }
            if position < input.count, input[position] == UInt8(ascii: "-") { position += 1 }
            guard position < input.count else { return false }
            if input[position] == UInt8(ascii: "0") {
                position += 1
            } else if digits() == 0 {
                return false
            }
            if position < input.count, input[position] == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { return false }
            }
            if position < input.count, input[position] == UInt8(ascii: "e") || input[position] == UInt8(ascii: "E") {
                position += 1
                if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { return false }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<position]))
            return true
        }
    }
}
