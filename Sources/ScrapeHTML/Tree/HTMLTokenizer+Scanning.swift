extension HTMLTokenizer {
    /// Copies input from `position` into `buffer` up to the next `a`, `b` or `c` byte,
    /// reading CR LF and a lone CR as LF (the standard's input stream preprocessing), and
    /// returns that byte, not consumed (`position` is at it), or nil at the end of the input.
    /// If `buffer` is `stale` (a reused buffer), the run replaces its contents.
    ///
    /// Most of a page is runs that no state looks into (text, attribute values, comment and
    /// script bodies): finding their end eight bytes at a time is the tokenizer's main loop.
    @inline(__always)
    static func copyRun(_ input: UnsafeBufferPointer<UInt8>, from position: inout Int, into buffer: inout [UInt8],
                        upTo a: UInt8, _ b: UInt8, _ c: UInt8, stale: inout Bool) -> UInt8? {
        let count = input.count
        var start = position
        while true {
            let stop = scan(input, from: start, for: a, b, c)
            if stale {
                stale = false
                buffer.replaceSubrange(buffer.startIndex..<buffer.endIndex, with: UnsafeBufferPointer(rebasing: input[start..<stop]))
            } else if stop > start {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<stop]))
            }
            guard stop < count else {
                position = count
                return nil
            }
            let byte = input[stop]
            guard byte == 0x0D else {
                position = stop
                return byte
            }
            buffer.append(0x0A)
            start = stop + 1
            if start < count && input[start] == 0x0A { start += 1 }
        }
    }

    /// The index of the first byte at or after `start` that is CR, `a`, `b` or `c`, or the
    /// input's count if there is none. Eight bytes at a time: a byte equal to a target is a
    /// zero byte of the word XOR the target repeated, and the lowest zero byte of a word is
    /// found exactly by the classic `(x - 0x01…) & ~x & 0x80…` test.
    @inline(__always)
    static func scan(_ input: UnsafeBufferPointer<UInt8>, from start: Int, for a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        let count = input.count
        var index = start
        if count - index >= 8, let base = input.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let cr = ones &* 0x0D, ma = ones &* UInt64(a), mb = ones &* UInt64(b), mc = ones &* UInt64(c)
            while count - index >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let x0 = word ^ cr, x1 = word ^ ma, x2 = word ^ mb, x3 = word ^ mc
                let found = ((x0 &- ones) & ~x0 | (x1 &- ones) & ~x1 | (x2 &- ones) & ~x2 | (x3 &- ones) & ~x3) & highs
                if found != 0 { return index + found.trailingZeroBitCount >> 3 }
                index += 8
            }
        }
        while index < count {
            let byte = input[index]
            if byte == 0x0D || byte == a || byte == b || byte == c { return index }
            index += 1
        }
        return count
    }
}
