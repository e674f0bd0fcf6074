/// windows-1252's bytes 0x80-0x9F, where it differs from Latin-1: the table both the
/// decoder (a windows-1252 page) and numeric character references (`&#x80;` is `€`, the
/// standard's C1 remapping) use. The five bytes windows-1252 leaves undefined map to
/// the C1 control of the same value, as the WHATWG Encoding standard says.
enum Windows1252 {
    /// The scalar for `byte` in 0x80-0x9F.
    static func scalar(forHighByte byte: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(high[Int(byte - 0x80)])!
    }

    private static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D, 0x17D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178,
    ]
}
