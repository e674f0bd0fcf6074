/// The tag of a plain, untagged scalar, by YAML 1.1's implicit types
/// (yaml.org/type): the rules are tried in the order bool, int, float, merge, null,
/// timestamp, value, and a scalar none matches is a string. So `yes`, `On` and `TRUE` are
/// booleans (`tRUE` is not), `0x1F`, `017`, `0o17`, `0b101`, `1_000` and `1:30` integers,
/// `08`, `1.50`, `.5`, `1e3`, `1:30.5` and `.inf` floats, `~`, `null` and the empty
/// scalar null, `2001-12-14` a timestamp, `<<` a merge key and `=` a value key.
///
/// These are the patterns the reader has always applied (Yams' default resolver, as
/// regular expressions matched against the whole scalar), written out as matchers over
/// the scalar's bytes: every pattern is ASCII, so a byte that is not cannot match.
enum YAMLResolver {
    static func tag(ofPlain text: String) -> YAMLTag {
        let bytes = Array(text.utf8)
        if isBool(text) { return .bool }
        if isInt(bytes[...]) { return .int }
        if isFloat(bytes[...]) { return .float }
        if text == "<<" { return .merge }
        if isNull(text) { return .null }
        if isTimestamp(bytes[...]) { return .timestamp }
        if text == "=" { return .value }
        return .str
    }

    private static let booleans: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ]

    static func isBool(_ text: String) -> Bool { booleans.contains(text) }

    static func isNull(_ text: String) -> Bool { ["~", "null", "Null", "NULL", ""].contains(text) }

    /// `[-+]?0b[01_]+`, `[-+]?0o?[0-7_]+`, `[-+]?(0|[1-9][0-9_]*)`, `[-+]?0x[0-9a-fA-F_]+`,
    /// or sexagesimal `[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`.
    static func isInt(_ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes.droppingSign()
        guard let first = rest.first else { return false }
        if first == UInt8(ascii: "0") {
            let afterZero = rest.dropFirst()
            if afterZero.isEmpty { return true }
            switch afterZero.first {
            case UInt8(ascii: "b"): return afterZero.dropFirst().isNonEmpty(allIn: isBinaryDigitOrUnderscore)
            case UInt8(ascii: "x"): return afterZero.dropFirst().isNonEmpty(allIn: isHexDigitOrUnderscore)
            case UInt8(ascii: "o"): return afterZero.dropFirst().isNonEmpty(allIn: isOctalDigitOrUnderscore)
            default: return afterZero.isNonEmpty(allIn: isOctalDigitOrUnderscore)
            }
        }
        guard isDigit(first) else { return false }
        rest = rest.dropFirst().drop(while: isDigitOrUnderscore)
        return rest.isEmpty || rest.droppingSexagesimalGroups()?.isEmpty == true
    }

    /// `[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?`, `\.[0-9_]+([eE][-+][0-9]+)?`,
    /// sexagesimal `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`, `[-+]?\.(inf|Inf|INF)`,
    /// or `\.(nan|NaN|NAN)`.
    static func isFloat(_ bytes: ArraySlice<UInt8>) -> Bool {
        if [".nan", ".NaN", ".NAN"].contains(String(decoding: bytes, as: UTF8.self)) { return true }
        let unsigned = bytes.droppingSign()
        if [".inf", ".Inf", ".INF"].contains(String(decoding: unsigned, as: UTF8.self)) { return true }
        // `.5`, `.5e+3`: no sign, and the exponent's sign is required.
        if let fraction = bytes.dropping(prefix: ".") {
            guard let first = fraction.first, isDigitOrUnderscore(first) else { return false }
            let afterDigits = fraction.drop(while: isDigitOrUnderscore)
            return afterDigits.isEmpty || afterDigits.droppingExponent(signRequired: true)?.isEmpty == true
        }
        guard let first = unsigned.first, isDigit(first) else { return false }
        var rest = unsigned.dropFirst().drop(while: isDigitOrUnderscore)
        if rest.first == UInt8(ascii: ":") {
            guard let afterGroups = rest.droppingSexagesimalGroups(), let fraction = afterGroups.dropping(prefix: ".") else { return false }
            return fraction.allSatisfy(isDigitOrUnderscore)
        }
        if let fraction = rest.dropping(prefix: ".") { rest = fraction.drop(while: isDigitOrUnderscore) }
        return rest.isEmpty || rest.droppingExponent(signRequired: false)?.isEmpty == true
    }

    /// `YYYY-MM-DD`, or `YYYY-M-D` (one or two digits) with a time: `T`, `t` or spaces and
    /// tabs, `H:MM:SS`, an optional fraction, optional blanks and an optional zone (`Z`,
    /// `+H`, `-HH:MM`).
    static func isTimestamp(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let year = bytes.droppingDigits(exactly: 4), let monthStart = year.dropping(prefix: "-") else { return false }
        if let month = monthStart.droppingDigits(exactly: 2), let day = month.dropping(prefix: "-"),
            day.droppingDigits(exactly: 2)?.isEmpty == true
        {
            return true
        }
        guard let month = monthStart.droppingDigits(from: 1, to: 2), let dayStart = month.dropping(prefix: "-"),
            let day = dayStart.droppingDigits(from: 1, to: 2), let separator = day.first
        else { return false }
        var rest: ArraySlice<UInt8>
        if separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") {
            rest = day.dropFirst()
        } else {
            rest = day.drop(while: isBlank)
            guard rest.count < day.count else { return false }
        }
        guard let hour = rest.droppingDigits(from: 1, to: 2), let minuteStart = hour.dropping(prefix: ":"),
            let minute = minuteStart.droppingDigits(exactly: 2), let secondStart = minute.dropping(prefix: ":"),
            let second = secondStart.droppingDigits(exactly: 2)
        else { return false }
        rest = second
        if let fraction = rest.dropping(prefix: ".") { rest = fraction.drop(while: isDigit) }
        if rest.isEmpty { return true }
        // Blanks only before a zone.
        rest = rest.drop(while: isBlank)
        if rest.count == 1 && rest.first == UInt8(ascii: "Z") { return true }
        guard let zone = rest.droppingRequiredSign(), let zoneHour = zone.droppingDigits(from: 1, to: 2) else { return false }
        if zoneHour.isEmpty { return true }
        guard let zoneMinute = zoneHour.dropping(prefix: ":") else { return false }
        return zoneMinute.droppingDigits(exactly: 2)?.isEmpty == true
    }

    fileprivate static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    fileprivate static func isDigitOrUnderscore(_ byte: UInt8) -> Bool { isDigit(byte) || byte == UInt8(ascii: "_") }
    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    private static func isBinaryDigitOrUnderscore(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") || byte == UInt8(ascii: "_")
    }

    private static func isOctalDigitOrUnderscore(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7")) || byte == UInt8(ascii: "_")
    }

    private static func isHexDigitOrUnderscore(_ byte: UInt8) -> Bool {
        isDigitOrUnderscore(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }
}

extension ArraySlice<UInt8> {
    /// Without a leading `+` or `-`, or nil when there is none.
    fileprivate func droppingRequiredSign() -> ArraySlice<UInt8>? {
        first == UInt8(ascii: "+") || first == UInt8(ascii: "-") ? dropFirst() : nil
    }

    /// Without a leading `+` or `-` if there is one.
    fileprivate func droppingSign() -> ArraySlice<UInt8> {
        first == UInt8(ascii: "+") || first == UInt8(ascii: "-") ? dropFirst() : self
    }

    /// The rest after `prefix` (one ASCII character), or nil.
    fileprivate func dropping(prefix: Unicode.Scalar) -> ArraySlice<UInt8>? {
        first == UInt8(ascii: prefix) ? dropFirst() : nil
    }

    /// Whether non-empty and every byte passes.
    fileprivate func isNonEmpty(allIn predicate: (UInt8) -> Bool) -> Bool { !isEmpty && allSatisfy(predicate) }

    fileprivate func droppingDigits(exactly count: Int) -> ArraySlice<UInt8>? {
        droppingDigits(from: count, to: count)
    }

    /// The rest after `minimum` to `maximum` digits, taking as many as there are: the
    /// patterns always want a non-digit (or the end) after such a run, so taking fewer
    /// could not match either.
    fileprivate func droppingDigits(from minimum: Int, to maximum: Int) -> ArraySlice<UInt8>? {
        let digits = prefix(while: YAMLResolver.isDigit).count
        guard digits >= minimum, digits <= maximum else { return nil }
        return dropFirst(digits)
    }

    /// The rest after one or more `:` groups of one digit or two (the first 0-5), or nil.
    fileprivate func droppingSexagesimalGroups() -> ArraySlice<UInt8>? {
        var rest = self
        var groups = 0
        while let group = rest.dropping(prefix: ":") {
            let digits = group.prefix(while: YAMLResolver.isDigit)
            guard digits.count == 1 || (digits.count == 2 && digits.first! <= UInt8(ascii: "5")) else { return nil }
            rest = group.dropFirst(digits.count)
            groups += 1
        }
        return groups > 0 ? rest : nil
    }

    /// The rest after `[eE][-+]?[0-9]+` (sign required when asked), or nil.
    fileprivate func droppingExponent(signRequired: Bool) -> ArraySlice<UInt8>? {
        guard first == UInt8(ascii: "e") || first == UInt8(ascii: "E") else { return nil }
        let afterE = dropFirst()
        guard let digits = signRequired ? afterE.droppingRequiredSign() : Optional(afterE.droppingSign()) else { return nil }
        let count = digits.prefix(while: YAMLResolver.isDigit).count
        return count > 0 ? digits.dropFirst(count) : nil
    }
}
