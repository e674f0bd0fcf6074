/// RFC 3492 Punycode, the `xn--` encoding of a non-ASCII domain label.
enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN = 0x80

    /// Appends the encoding of `label` (without the `xn--` prefix); false on overflow.
    static func encode(_ label: [Unicode.Scalar], to output: inout [UInt8]) -> Bool {
        var n = initialN, delta = 0, bias = initialBias
        var basicCount = 0
        for scalar in label where scalar.value < 0x80 {
            output.append(UInt8(scalar.value))
            basicCount += 1
        }
        var handled = basicCount
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }
        while handled < label.count {
            var m = Int.max
            for scalar in label where Int(scalar.value) >= n && Int(scalar.value) < m { m = Int(scalar.value) }
            let (product, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            if overflow || delta > Int(Int32.max) - product { return false }
            delta += product
            n = m
            for scalar in label {
                let value = Int(scalar.value)
                if value < n {
                    delta += 1
                    if delta > Int(Int32.max) { return false }
                }
                if value == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return true
    }

    /// The code points `encoded` (without `xn--`) stands for, or nil when it is not valid
    /// Punycode.
    static func decode(_ encoded: ArraySlice<UInt8>) -> [Unicode.Scalar]? {
        var output: [Unicode.Scalar] = []
        var n = initialN, i = 0, bias = initialBias
        var start = encoded.startIndex
        if let lastDash = encoded.lastIndex(of: UInt8(ascii: "-")), lastDash > encoded.startIndex {
            for byte in encoded[encoded.startIndex..<lastDash] {
                guard byte < 0x80 else { return nil }
                output.append(Unicode.Scalar(byte))
            }
            start = lastDash + 1
        }
        var index = start
        while index < encoded.endIndex {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard index < encoded.endIndex, let value = digitValue(encoded[index]) else { return nil }
                index += 1
                let (product, overflow) = value.multipliedReportingOverflow(by: w)
                if overflow || i > Int(Int32.max) - product { return nil }
                i += product
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if value < t { break }
                let (nextW, overflowW) = w.multipliedReportingOverflow(by: base - t)
                if overflowW || nextW > Int(Int32.max) { return nil }
                w = nextW
                k += base
            }
            bias = adapt(i - oldI, output.count + 1, oldI == 0)
            n += i / (output.count + 1)
            if n > 0x10FFFF { return nil }
            i %= output.count + 1
            guard let scalar = Unicode.Scalar(UInt32(n)) else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        return output
    }

    private static func adapt(_ delta: Int, _ points: Int, _ first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func digit(_ value: Int) -> UInt8 {
        value < 26 ? UInt8(0x61 + value) : UInt8(0x30 + value - 26)
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30) + 26
        case 0x41...0x5A: Int(byte - 0x41)
        case 0x61...0x7A: Int(byte - 0x61)
        default: nil
        }
    }
}
