import CLibXML2

/// One thread's set of compiled XPath expressions and the context they run in.
///
/// Why copies: libxml2 2.9.14's `xmlXPathCompiledEval` writes into the compiled expression
/// (`xmlXPathCompOpEval` caches each function call's looked-up function in `op->cache` and
/// `op->cacheURI`, xpath.c line 13205), so one compiled expression evaluated on two threads
/// at once is a data race. A workspace is used by one thread at a time (``XPathPool``
/// lends it out) and owns its expressions and context: both are freed in `deinit`.
///
/// The context knows the `svg`, `math` and `xlink` prefixes (the namespaces the tree
/// builder puts foreign elements and attributes in), so `//svg:circle` works; HTML elements
/// are in no namespace and need no prefix.
final class XPathWorkspace: @unchecked Sendable {
    let context: xmlXPathContextPtr
    /// The expressions, in the pool's order.
    let compiled: [xmlXPathCompExprPtr]

    /// Compiles every expression; they were checked when the field set was made, so a
    /// failure here is a broken invariant.
    init(expressions: [String]) {
        guard let context = xmlXPathNewContext(nil) else { fatalError("libxml2 could not allocate an XPath context") }
        self.context = context
        for namespace in [DOMNamespace.svg, .mathML, .xlink] {
            _ = xmlXPathRegisterNs(context, namespace.prefix, namespace.uri)
        }
        compiled = expressions.map { expression in
            do throws(XPathCompiler.Failure) {
                return try XPathCompiler.compile(expression, in: context)
            } catch {
                fatalError("XPath expression '\(expression)' compiled once and not again: \(error.message)")
            }
        }
        context.pointee.error = { _, _ in }  // evaluation errors (unknown function, …): the value is null
    }

    deinit {
        for expression in compiled { xmlXPathFreeCompExpr(expression) }
        xmlXPathFreeContext(context)
    }

    /// Evaluates expression `index` with the document node as the context node; nil when
    /// the evaluation fails (an unknown function or variable). The caller frees the result
    /// with `xmlXPathFreeObject`.
    func evaluate(_ index: Int, in document: HTMLDocument) -> xmlXPathObjectPtr? {
        context.pointee.doc = document.raw
        context.pointee.node = document.document.raw
        defer { xmlResetError(&context.pointee.lastError) }
        return xmlXPathCompiledEval(compiled[index], context)
    }
}
