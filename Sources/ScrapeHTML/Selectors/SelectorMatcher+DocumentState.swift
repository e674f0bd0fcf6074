import CLibXML2

extension SelectorMatcher {
    /// What a selector needs to know about one document, computed once per query: its
    /// names as the document's dictionary holds them, and which selectors of the top list
    /// can match at all (one naming a type that no element of the document has cannot).
    final class DocumentState {
        let interned: UnsafeMutableBufferPointer<UnsafePointer<xmlChar>?>
        let possible: UnsafeMutableBufferPointer<Bool>

        init(names: [[UInt8]], document: HTMLDocument, program: SelectorProgram) {
            let dictionary = document.raw.pointee.dict
            interned = .allocate(capacity: max(names.count, 1))
            for (index, name) in names.enumerated() {
                interned[index] = name.withUnsafeBufferPointer { xmlDictExists(dictionary, $0.baseAddress, Int32($0.count)) }
            }
            let top = program.lists[program.top]
            possible = .allocate(capacity: max(top.count, 1))
            for offset in 0..<top.count {
                let complex = program.complexes[top.start + offset]
                let compounds = program.compounds[complex.start..<(complex.start + complex.count)]
                possible[offset] = !compounds.contains { compound in
                    compound.lowered >= 0 && interned[compound.lowered] == nil && interned[compound.written] == nil
                }
            }
        }

        deinit {
            interned.deallocate()
            possible.deallocate()
        }
    }
}
