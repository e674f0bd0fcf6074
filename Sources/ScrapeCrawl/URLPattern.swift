import Glibc

/// One `--allow`/`--deny` regular expression: a POSIX extended regular expression
/// (glibc's `regcomp` with `REG_EXTENDED | REG_NOSUB`), searched anywhere in the absolute
/// URL as Scrapy's `allow=` is (anchor it with `^` and `$` to match the whole URL).
///
/// The syntax is `grep -E`'s: `.`, `[...]`, `*`, `+`, `?`, `{m,n}`, `|`, `(...)`, `^`,
/// `$`; no `\d`, `\w` or lazy quantifiers (write `[0-9]`, `[[:alnum:]_]`). Immutable once
/// compiled: glibc's `regexec` may run on one pattern from many threads.
public final class URLPattern: @unchecked Sendable {
    /// The expression as given.
    public let text: String
    /// The compiled expression, allocated once (never moved, so no exclusive access).
    private let compiled: UnsafeMutablePointer<regex_t>

    /// Compiles `text`.
    ///
    /// - Throws: ``CrawlSettingsError`` with regcomp's message.
    public init(_ text: String) throws(CrawlSettingsError) {
        let compiled = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        let code = regcomp(compiled, text, REG_EXTENDED | REG_NOSUB)
        guard code == 0 else {
            var message = [CChar](repeating: 0, count: 256)
            regerror(code, compiled, &message, message.count)
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            compiled.deallocate()  // before any property is set, so deinit does not run
            throw CrawlSettingsError("'\(text)' is not a POSIX extended regular expression: \(reason)")
        }
        self.text = text
        self.compiled = compiled
    }

    deinit {
        regfree(compiled)
        compiled.deallocate()
    }

    /// Whether the expression matches somewhere in `url`.
    public func matches(_ url: String) -> Bool {
        regexec(compiled, url, 0, nil, 0) == 0
    }
}
