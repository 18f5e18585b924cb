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
            var previous: UInt8 = 0
            for byte in utf8 {
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
