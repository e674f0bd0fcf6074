extension HTMLTokenizer {
    /// The named character references, indexed for the tokenizer's longest-match rule.
    static let namedReferences = NamedReferenceIndex()

    /// The named character reference table (``NamedCharacterReferences/table``) sorted by
    /// name, with the range of names for each first byte, so that the longest name the
    /// input starts with is found by narrowing that range one input byte at a time (two
    /// binary searches per byte), with no allocation: a dictionary would need a key array
    /// per candidate length, and `&` is common in real pages (`&amp;`, `&nbsp;` in URLs and
    /// text).
    struct NamedReferenceIndex: Sendable {
        /// A matched name: its entry and its length (its `;` included, if it has one).
        struct Match {
            let entry: Int
            let length: Int
        }

        /// All names, sorted, one after another; entry `i` is `names[nameStarts[i]..<nameStarts[i + 1]]`.
        private let names: [UInt8]
        private let nameStarts: [Int]
        /// The replacement of each entry, UTF-8; entry `i`'s is `values[valueStarts[i]..<valueStarts[i + 1]]`.
        private let values: [UInt8]
        private let valueStarts: [Int]
        /// The entries whose name starts with byte `b` are `firstByteStarts[b]..<firstByteStarts[b + 1]`.
        private let firstByteStarts: [Int]

        init() {
            var entries: [(name: [UInt8], value: [UInt8])] = []
            entries.reserveCapacity(2300)
            for line in Array(NamedCharacterReferences.table.utf8).split(separator: UInt8(ascii: "\n")) {
                guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { continue }
                var value: [UInt8] = []
                for hex in line[(space + 1)...].split(separator: UInt8(ascii: ",")) {
                    guard let code = UInt32(String(decoding: hex, as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else { continue }
                    value.append(contentsOf: UTF8.encode(scalar)!)
                }
                entries.append((Array(line[..<space]), value))
            }
            entries.sort { $0.name.lexicographicallyPrecedes($1.name) }
            var names: [UInt8] = [], nameStarts = [0], values: [UInt8] = [], valueStarts = [0]
            var firstByteStarts = [Int](repeating: 0, count: 257)
            for entry in entries {
                names.append(contentsOf: entry.name)
                nameStarts.append(names.count)
                values.append(contentsOf: entry.value)
                valueStarts.append(values.count)
                firstByteStarts[Int(entry.name[0]) + 1] += 1
            }
            for byte in 1...256 { firstByteStarts[byte] += firstByteStarts[byte - 1] }
            self.names = names
            self.nameStarts = nameStarts
            self.values = values
            self.valueStarts = valueStarts
            self.firstByteStarts = firstByteStarts
        }

        /// The longest name that `input` starts with, or nil.
        func longestMatch(in input: UnsafeBufferPointer<UInt8>) -> Match? {
            guard let first = input.first else { return nil }
            var low = firstByteStarts[Int(first)]
            var high = firstByteStarts[Int(first) + 1]
            var best: Match?
            var length = 1
            // Invariant: every entry in low..<high starts with input[..<length]; the one
            // equal to it, if any, sorts first.
            while low < high {
                if nameStarts[low + 1] - nameStarts[low] == length {
                    best = Match(entry: low, length: length)
                    low += 1
                }
                guard low < high, length < input.count else { break }
                let byte = input[length]
                low = firstEntry(from: low, to: high, at: length) { $0 >= byte }
                high = firstEntry(from: low, to: high, at: length) { $0 > byte }
                length += 1
            }
            return best
        }

        /// The replacement text of a match, UTF-8.
        func value(of match: Match) -> ArraySlice<UInt8> {
            values[valueStarts[match.entry]..<valueStarts[match.entry + 1]]
        }

        /// The first entry in `low..<high` whose byte at `offset` satisfies `isPast` (entries
        /// there are all longer than `offset` and sorted, so `isPast` flips once).
        private func firstEntry(from low: Int, to high: Int, at offset: Int, where isPast: (UInt8) -> Bool) -> Int {
            var low = low, high = high
            while low < high {
                let middle = (low + high) / 2
                if isPast(names[nameStarts[middle] + offset]) { high = middle } else { low = middle + 1 }
            }
            return low
        }
    }
}
