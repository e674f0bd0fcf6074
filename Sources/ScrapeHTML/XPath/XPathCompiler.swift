import CLibXML2

/// Compiles XPath 1.0 expressions with libxml2, and says where one that does not parse
/// went wrong.
///
/// libxml2 reports compile errors through the XPath context's `error` callback when the
/// compile has a context (else through the thread's generic handler, which prints to
/// stderr). Compiling with a context whose callback does nothing keeps the terminal quiet,
/// and the context's `lastError` keeps what we need: the error code and the byte offset in
/// the expression where the parser stopped (`int1`).
enum XPathCompiler {
    /// Why an expression does not compile.
    struct Failure: Error, Equatable {
        /// What libxml2 found wrong, in our words (from its error code).
        let message: String
        /// Byte offset in the expression where the parser stopped, when libxml2 said.
        let offset: Int?
    }

    /// A compiled expression, owned by the caller (free it with `xmlXPathFreeCompExpr`).
    static func compile(_ expression: String, in context: xmlXPathContextPtr) throws(Failure) -> xmlXPathCompExprPtr {
        try checkBrackets(expression)
        context.pointee.error = { _, _ in }  // keep the error in lastError, print nothing
        defer { xmlResetError(&context.pointee.lastError) }
        if let compiled = xmlXPathCtxtCompile(context, expression) { return compiled }
        let error = context.pointee.lastError
        let code = Int(error.code) - Int(XML_XPATH_EXPRESSION_OK.rawValue)
        let message = messages.indices.contains(code) ? messages[code] : "invalid expression"
        throw Failure(message: message, offset: error.domain == Int32(XML_FROM_XPATH.rawValue) ? Int(error.int1) : nil)
    }

    /// Refuses an unclosed `(` or `[`, or a stray `)` or `]`, outside string literals.
    /// libxml2 2.9.14 accepts `count(` at the end of an expression as `count()` (its
    /// argument loop stops at the end of the string without an error).
    static func checkBrackets(_ expression: String) throws(Failure) {
        var open: [(byte: UInt8, offset: Int)] = []
        var quote: UInt8?
        for (offset, byte) in expression.utf8.enumerated() {
            if let current = quote {
                if byte == current { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                quote = byte
            case UInt8(ascii: "("), UInt8(ascii: "["):
                open.append((byte, offset))
            case UInt8(ascii: ")"), UInt8(ascii: "]"):
                let opener = byte == UInt8(ascii: ")") ? UInt8(ascii: "(") : UInt8(ascii: "[")
                guard open.last?.byte == opener else {
                    throw Failure(message: "unexpected '\(Character(Unicode.Scalar(byte)))'", offset: offset)
                }
                open.removeLast()
            default:
                break
            }
        }
        if let unclosed = open.last {
            throw Failure(message: "'\(Character(Unicode.Scalar(unclosed.byte)))' is not closed", offset: unclosed.offset)
        }
    }

    /// Checks that `expression` compiles, with a throwaway context.
    static func check(_ expression: String) throws(Failure) {
        guard let context = xmlXPathNewContext(nil) else { fatalError("libxml2 could not allocate an XPath context") }
        defer { xmlXPathFreeContext(context) }
        xmlXPathFreeCompExpr(try compile(expression, in: context))
    }

    /// libxml2's XPath error codes (`XML_XPATH_EXPRESSION_OK` + n) in words.
    private static let messages: [String] = [
        "invalid expression", "malformed number", "unfinished literal", "expected a literal",
        "expected a variable name after '$'", "undefined variable", "invalid predicate", "invalid expression",
        "missing closing bracket", "unknown function", "invalid operand", "invalid type",
        "wrong number of arguments", "invalid context size", "invalid context position", "out of memory",
        "syntax error", "resource error", "sub-resource error", "undefined namespace prefix",
        "encoding error", "character out of range",
    ]
}
