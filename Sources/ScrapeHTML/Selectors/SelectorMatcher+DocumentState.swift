import CLibXML2

extension SelectorMatcher {
    /// What a selector needs to know about one document, computed once per query: its
    /// names as the document's dictionary holds them, and for each selector of the top
    /// list the ``AncestorFilter`` hashes it needs.
    ///
    /// The hashes cover the type, ids and classes of every compound joined to its right by
    /// a descendant or child combinator (such a compound is an ancestor of the subject, or
    /// the parent of an ancestor's sibling, which is an ancestor too). A selector naming a
    /// type that no element of the document has cannot match at all (range -1..<-1).
    final class DocumentState {
        let interned: UnsafeMutableBufferPointer<UnsafePointer<xmlChar>?>
        /// Every selector's hashes, one run each (`hashRanges`, by selector of the top list).
        let hashes: UnsafeMutableBufferPointer<UInt32>
        let hashRanges: UnsafeMutableBufferPointer<Range<Int>>
        let usesAncestorFilter: Bool
        /// Whether some selector needs an ancestor's id or class (else the filter hashes names only).
        private(set) var filtersAttributes = false

        init(names: [[UInt8]], document: HTMLDocument, program: SelectorProgram, quirks: Bool) {
            let dictionary = document.raw.pointee.dict
            interned = .allocate(capacity: max(names.count, 1))
            for (index, name) in names.enumerated() {
                interned[index] = name.withUnsafeBufferPointer { xmlDictExists(dictionary, $0.baseAddress, Int32($0.count)) }
            }
            var hashes: [UInt32] = []
            var ranges: [Range<Int>] = []
            let top = program.lists[program.top]
            for offset in 0..<top.count {
                let start = hashes.count
                if Self.collectHashes(program.complexes[top.start + offset], program: program, interned: interned, quirks: quirks,
                                      into: &hashes, attributes: &filtersAttributes) {
                    ranges.append(start..<hashes.count)
                } else {
                    hashes.removeSubrange(start...)
                    ranges.append(-1 ..< -1)
                }
            }
            self.hashes = .allocate(capacity: max(hashes.count, 1))
            _ = self.hashes.initialize(from: hashes)
            hashRanges = .allocate(capacity: max(ranges.count, 1))
            _ = hashRanges.initialize(from: ranges)
            usesAncestorFilter = !hashes.isEmpty
        }

        deinit {
            interned.deallocate()
            hashes.deallocate()
            hashRanges.deallocate()
        }

        /// Appends one complex selector's hashes; false when it cannot match in this document.
        private static func collectHashes(_ complex: SelectorProgram.Complex, program: SelectorProgram,
                                          interned: UnsafeMutableBufferPointer<UnsafePointer<xmlChar>?>, quirks: Bool,
                                          into hashes: inout [UInt32], attributes: inout Bool) -> Bool {
            for index in complex.start..<(complex.start + complex.count) {
                let compound = program.compounds[index]
                if compound.lowered >= 0 && interned[compound.lowered] == nil && interned[compound.written] == nil { return false }
                // Only compounds with a descendant or child combinator on their right are ancestors.
                guard index > complex.start, program.compounds[index - 1].combinator?.goesUp == true else { continue }
                if compound.lowered >= 0 && compound.lowered == compound.written, let name = interned[compound.lowered] {
                    hashes.append(AncestorFilter.hash(name))
                }
                for conditionIndex in compound.conditionStart..<(compound.conditionStart + compound.conditionCount) {
                    let condition = program.conditions[conditionIndex]
                    guard condition.kind == .id || condition.kind == .className else { continue }
                    attributes = true
                    let value = UnsafeBufferPointer(rebasing: program.bytes[condition.a..<(condition.a + condition.b)])
                    hashes.append(AncestorFilter.hash(value, seed: condition.kind == .id ? AncestorFilter.idSeed : AncestorFilter.classSeed, lowercase: quirks))
                }
            }
            return true
        }
    }
}
