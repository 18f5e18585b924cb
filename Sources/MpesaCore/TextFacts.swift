/// What the callback rules need to know about a string from a body, found in one pass over its
/// UTF-8 bytes.
struct TextFacts {
    /// The number of Unicode scalars, which is what length limits count.
    private(set) var scalarCount = 0

    /// Whether the text holds a C0 control (U+0000 to U+001F), DEL (U+007F) or a C1 control
    /// (U+0080 to U+009F).
    private(set) var hasControlCharacter = false

    /// Whether the text holds U+0000, which a PostgreSQL text column cannot store.
    private(set) var hasNUL = false

    init(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            var index = 0
            // Printable ASCII, eight bytes at a time: eight scalars and nothing to flag.
            let raw = UnsafeRawBufferPointer(utf8)
            while index + 8 <= raw.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                guard Self.isPrintableASCII(word) else {
                    break
                }
                scalarCount += 8
                index += 8
            }

            var previous: UInt8 = index > 0 ? utf8[index - 1] : 0
            for byte in utf8[index...] {
                if byte & 0xC0 != 0x80 {
                    scalarCount += 1
                }
                if byte < 0x20 || byte == 0x7F {
                    hasControlCharacter = true
                    hasNUL = hasNUL || byte == 0
                } else if previous == 0xC2, byte <= 0x9F, byte >= 0x80 {
                    // U+0080 to U+009F are encoded as C2 80 to C2 9F.
                    hasControlCharacter = true
                }
                previous = byte
            }
        }
    }

    /// Whether all eight bytes are in 0x20...0x7E.
    private static func isPrintableASCII(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        // A byte below 0x20, or one of 0x7F and above (adding 1 carries DEL into the top bit).
        let hasLow = (word &- ones &* 0x20) & ~word & highBits
        let hasHigh = (word | (word &+ ones)) & highBits
        return hasLow | hasHigh == 0
    }

    /// Whether the text could be read as a number by some parser: `0`, ` 7`, `+1`, `-5`, `1e3`,
    /// `.5`, `0x1F`, `١٢` (Arabic-Indic digits), `NaN`, `Infinity`.
    ///
    /// Such a text is refused where a non-numeric string is expected, so that no reader of the
    /// stored value can take it for a number.
    static func looksNumeric(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace {
            scalars.removeFirst()
        }
        while let last = scalars.last, last.properties.isWhitespace {
            scalars.removeLast()
        }
        if let sign = scalars.first, sign == "+" || sign == "-" {
            scalars.removeFirst()
        }

        func isDecimalDigit(_ scalar: Unicode.Scalar?) -> Bool {
            scalar?.properties.numericType == .decimal
        }
        guard let first = scalars.first else {
            return false
        }
        if isDecimalDigit(first) {
            return true
        }
        if first == ".", isDecimalDigit(scalars.dropFirst().first) {
            return true
        }
        let word = String(scalars).lowercased()
        return word == "nan" || word == "inf" || word == "infinity"
    }
}
