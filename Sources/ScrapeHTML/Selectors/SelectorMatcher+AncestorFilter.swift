import CLibXML2

/// What a complex selector needs among the subject's ancestors, as ``AncestorFilter``
/// hashes: the type, ids and classes of every compound joined to its right by a
/// descendant or child combinator (such a compound is an ancestor of the subject, or the
/// parent of one of its ancestors' siblings, which is an ancestor too).
extension SelectorMatcher {
    /// The hashes for one complex selector; nil when it cannot match in this document (a
    /// type it names is on no element).
    static func ancestorHashes(of complex: ComplexSelector, interned: [UnsafePointer<xmlChar>?], quirks: Bool) -> [UInt32]? {
        // A type no element of the document has: the selector cannot match at all.
        for compound in complex.compounds {
            if let type = compound.type, interned[type.lowercased] == nil && interned[type.asWritten] == nil { return nil }
        }
        var hashes: [UInt32] = []
        for index in 1..<max(complex.compounds.count, 1) where complex.combinators[index - 1].goesUp {
            let compound = complex.compounds[index]
            if let type = compound.type {
                if type.lowercased == type.asWritten, let name = interned[type.lowercased] { hashes.append(AncestorFilter.hash(name)) }
            }
            for condition in compound.conditions {
                switch condition {
                case .id(let id):
                    hashes.append(id.withUnsafeBufferPointer { AncestorFilter.hash($0, seed: AncestorFilter.idSeed, lowercase: quirks) })
                case .className(let name):
                    hashes.append(name.withUnsafeBufferPointer { AncestorFilter.hash($0, seed: AncestorFilter.classSeed, lowercase: quirks) })
                default:
                    break
                }
            }
        }
        return hashes
    }
}
