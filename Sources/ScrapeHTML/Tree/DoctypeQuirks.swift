/// The DOCTYPE's effect on the document mode (section 13.2.6.4.1, "initial"): the
/// standard's lists of public and system identifiers, compared ASCII case-insensitively.
enum DoctypeQuirks {
    static func mode(for doctype: HTMLDoctype) -> HTMLDocument.Mode {
        if doctype.forceQuirks { return .quirks }
        guard let name = doctype.name, lowercased(name) == Array("html".utf8) else { return .quirks }
        let publicID = doctype.publicID.map(lowercased)
        let systemID = doctype.systemID.map(lowercased)
        if let publicID {
            if quirksPublicIDs.contains(where: { equal(publicID, $0) }) { return .quirks }
            if quirksPublicPrefixes.contains(where: { hasPrefix(publicID, $0) }) { return .quirks }
            if systemID == nil, html401Prefixes.contains(where: { hasPrefix(publicID, $0) }) { return .quirks }
        }
        if let systemID, equal(systemID, "http://www.ibm.com/data/dtd/v11/ibmxhtml1-transitional.dtd") { return .quirks }
        if let publicID {
            if xhtml10Prefixes.contains(where: { hasPrefix(publicID, $0) }) { return .limitedQuirks }
            if systemID != nil, html401Prefixes.contains(where: { hasPrefix(publicID, $0) }) { return .limitedQuirks }
        }
        return .noQuirks
    }

    private static func lowercased(_ bytes: [UInt8]) -> [UInt8] { bytes.map(ASCII.lowercased) }

    private static func equal(_ bytes: [UInt8], _ string: StaticString) -> Bool {
        bytes.elementsEqual(UnsafeBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }

    private static func hasPrefix(_ bytes: [UInt8], _ string: StaticString) -> Bool {
        bytes.starts(with: UnsafeBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }

    /// Whole public identifiers that mean quirks (lowercase).
    private static let quirksPublicIDs: [StaticString] = [
        "-//w3o//dtd w3 html strict 3.0//en//",
        "-/w3c/dtd html 4.0 transitional/en",
        "html",
    ]

    /// Public identifier prefixes that mean quirks (lowercase).
    private static let quirksPublicPrefixes: [StaticString] = [
        "+//silmaril//dtd html pro v0r11 19970101//",
        "-//as//dtd html 3.0 aswedit + extensions//",
        "-//advasoft ltd//dtd html 3.0 aswedit + extensions//",
        "-//ietf//dtd html 2.0 level 1//",
        "-//ietf//dtd html 2.0 level 2//",
        "-//ietf//dtd html 2.0 strict level 1//",
        "-//ietf//dtd html 2.0 strict level 2//",
        "-//ietf//dtd html 2.0 strict//",
        "-//ietf//dtd html 2.0//",
        "-//ietf//dtd html 2.1e//",
        "-//ietf//dtd html 3.0//",
        "-//ietf//dtd html 3.2 final//",
        "-//ietf//dtd html 3.2//",
        "-//ietf//dtd html 3//",
        "-//ietf//dtd html level 0//",
        "-//ietf//dtd html level 1//",
        "-//ietf//dtd html level 2//",
        "-//ietf//dtd html level 3//",
        "-//ietf//dtd html strict level 0//",
        "-//ietf//dtd html strict level 1//",
        "-//ietf//dtd html strict level 2//",
        "-//ietf//dtd html strict level 3//",
        "-//ietf//dtd html strict//",
        "-//ietf//dtd html//",
        "-//metrius//dtd metrius presentational//",
        "-//microsoft//dtd internet explorer 2.0 html strict//",
        "-//microsoft//dtd internet explorer 2.0 html//",
        "-//microsoft//dtd internet explorer 2.0 tables//",
        "-//microsoft//dtd internet explorer 3.0 html strict//",
        "-//microsoft//dtd internet explorer 3.0 html//",
        "-//microsoft//dtd internet explorer 3.0 tables//",
        "-//netscape comm. corp.//dtd html//",
        "-//netscape comm. corp.//dtd strict html//",
        "-//o'reilly and associates//dtd html 2.0//",
        "-//o'reilly and associates//dtd html extended 1.0//",
        "-//o'reilly and associates//dtd html extended relaxed 1.0//",
        "-//sq//dtd html 2.0 hotmetal + extensions//",
        "-//softquad software//dtd hotmetal pro 6.0::19990601::extensions to html 4.0//",
        "-//softquad//dtd hotmetal pro 4.0::19971010::extensions to html 4.0//",
        "-//spyglass//dtd html 2.0 extended//",
        "-//sun microsystems corp.//dtd hotjava html//",
        "-//sun microsystems corp.//dtd hotjava strict html//",
        "-//w3c//dtd html 3 1995-03-24//",
        "-//w3c//dtd html 3.2 draft//",
        "-//w3c//dtd html 3.2 final//",
        "-//w3c//dtd html 3.2//",
        "-//w3c//dtd html 3.2s draft//",
        "-//w3c//dtd html 4.0 frameset//",
        "-//w3c//dtd html 4.0 transitional//",
        "-//w3c//dtd html experimental 19960712//",
        "-//w3c//dtd html experimental 970421//",
        "-//w3c//dtd w3 html//",
        "-//w3o//dtd w3 html 3.0//",
        "-//webtechs//dtd mozilla html 2.0//",
        "-//webtechs//dtd mozilla html//",
    ]

    /// Quirks without a system identifier, limited quirks with one.
    private static let html401Prefixes: [StaticString] = [
        "-//w3c//dtd html 4.01 frameset//",
        "-//w3c//dtd html 4.01 transitional//",
    ]

    /// Public identifier prefixes that mean limited quirks.
    private static let xhtml10Prefixes: [StaticString] = [
        "-//w3c//dtd xhtml 1.0 frameset//",
        "-//w3c//dtd xhtml 1.0 transitional//",
    ]
}
