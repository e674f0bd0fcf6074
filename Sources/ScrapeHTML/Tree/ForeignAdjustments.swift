/// The standard's adjustments for foreign elements (section 13.2.6.1, "adjust SVG
/// attributes", "adjust MathML attributes", "adjust foreign attributes", and the SVG
/// tag names of the rules for foreign content): the tokenizer lowercases every name,
/// SVG's are camel-case, and a few attributes belong to the xlink, xml and xmlns
/// namespaces.
enum ForeignAdjustments {
    /// Lowercase SVG element names to their real case.
    static let svgTagNames: [[UInt8]: [UInt8]] = caseTable([
            "altGlyph",
            "altGlyphDef",
            "altGlyphItem",
            "animateColor",
            "animateMotion",
            "animateTransform",
            "clipPath",
            "feBlend",
            "feColorMatrix",
            "feComponentTransfer",
            "feComposite",
            "feConvolveMatrix",
            "feDiffuseLighting",
            "feDisplacementMap",
            "feDistantLight",
            "feDropShadow",
            "feFlood",
            "feFuncA",
            "feFuncB",
            "feFuncG",
            "feFuncR",
            "feGaussianBlur",
            "feImage",
            "feMerge",
            "feMergeNode",
            "feMorphology",
            "feOffset",
            "fePointLight",
            "feSpecularLighting",
            "feSpotLight",
            "feTile",
            "feTurbulence",
            "foreignObject",
            "glyphRef",
            "linearGradient",
            "radialGradient",
            "textPath",
        ])

    /// Lowercase SVG attribute names to their real case.
    static let svgAttributeNames: [[UInt8]: [UInt8]] = caseTable([
            "attributeName",
            "attributeType",
            "baseFrequency",
            "baseProfile",
            "calcMode",
            "clipPathUnits",
            "diffuseConstant",
            "edgeMode",
            "filterUnits",
            "glyphRef",
            "gradientTransform",
            "gradientUnits",
            "kernelMatrix",
            "kernelUnitLength",
            "keyPoints",
            "keySplines",
            "keyTimes",
            "lengthAdjust",
            "limitingConeAngle",
            "markerHeight",
            "markerUnits",
            "markerWidth",
            "maskContentUnits",
            "maskUnits",
            "numOctaves",
            "pathLength",
            "patternContentUnits",
            "patternTransform",
            "patternUnits",
            "pointsAtX",
            "pointsAtY",
            "pointsAtZ",
            "preserveAlpha",
            "preserveAspectRatio",
            "primitiveUnits",
            "refX",
            "refY",
            "repeatCount",
            "repeatDur",
            "requiredExtensions",
            "requiredFeatures",
            "specularConstant",
            "specularExponent",
            "spreadMethod",
            "startOffset",
            "stdDeviation",
            "stitchTiles",
            "surfaceScale",
            "systemLanguage",
            "tableValues",
            "targetX",
            "targetY",
            "textLength",
            "viewBox",
            "viewTarget",
            "xChannelSelector",
            "yChannelSelector",
            "zoomAndPan",
        ])

    private static let definitionURL: [UInt8] = Array("definitionURL".utf8)
    private static let definitionurl: [UInt8] = Array("definitionurl".utf8)

    /// The attributes that move into a namespace: qualified name to (namespace, local name).
    static let foreignAttributes: [[UInt8]: (DOMNamespace, [UInt8])] = [
        Array("xlink:actuate".utf8): (.xlink, Array("actuate".utf8)),
        Array("xlink:arcrole".utf8): (.xlink, Array("arcrole".utf8)),
        Array("xlink:href".utf8): (.xlink, Array("href".utf8)),
        Array("xlink:role".utf8): (.xlink, Array("role".utf8)),
        Array("xlink:show".utf8): (.xlink, Array("show".utf8)),
        Array("xlink:title".utf8): (.xlink, Array("title".utf8)),
        Array("xlink:type".utf8): (.xlink, Array("type".utf8)),
        Array("xml:lang".utf8): (.xml, Array("lang".utf8)),
        Array("xml:space".utf8): (.xml, Array("space".utf8)),
        Array("xmlns".utf8): (.xmlns, Array("xmlns".utf8)),
        Array("xmlns:xlink".utf8): (.xmlns, Array("xlink".utf8)),
    ]

    private static func caseTable(_ names: [String]) -> [[UInt8]: [UInt8]] {
        var table: [[UInt8]: [UInt8]] = [:]
        for name in names { table[Array(name.lowercased().utf8)] = Array(name.utf8) }
        return table
    }

    /// One attribute of a foreign element's start tag, adjusted for `namespace`.
    static func adjust(_ attribute: HTMLAttribute, in namespace: DOMNamespace) -> HTMLDocument.NewAttribute {
        if let (attributeNamespace, localName) = foreignAttributes[attribute.name] {
            return HTMLDocument.NewAttribute(namespace: attributeNamespace, localName: localName, value: attribute.value)
        }
        var name = attribute.name
        if namespace == .svg, let adjusted = svgAttributeNames[name] {
            name = adjusted
        } else if namespace == .mathML, name == definitionurl {
            name = definitionURL
        }
        return HTMLDocument.NewAttribute(namespace: nil, localName: name, value: attribute.value)
    }
}
