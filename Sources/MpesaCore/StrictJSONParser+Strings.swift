extension StrictJSONParser {
    /// Reads a string literal starting at its opening quote and appends its node to the tape.
    ///
    /// The bytes were checked as UTF-8 before parsing began, so only the JSON rules are checked
    /// here: no raw control characters and only the escapes RFC 8259 defines. A string without
    /// escapes is left in place; one with escapes is decoded now, which also checks them.
    mutating func readString() throws(JSONSyntaxError) {
        let start = position + 1
        var index = start
        var highBits: UInt64 = 0

        // Most strings have no escapes: find the closing quote and take the bytes as they are.
        // Eight bytes at a time first, while none of them needs a closer look.
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if Self.mayEndPlainRun(word) {
                break
            }
            highBits |= word
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let isASCII = highBits & 0x8080_8080_8080_8080 == 0
                appendNode(
                    .string, flags: isASCII ? JSONTape.plainASCII : 0, start: start, end: index)
                position = index + 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                let decoded = try readEscapedString(from: start, firstEscape: index)
                appendNode(
                    .string, flags: JSONTape.escaped, start: tape.decodedStrings.count, end: 0)
                tape.decodedStrings.append(decoded)
                return
            }
            highBits |= UInt64(byte)
            guard byte >= 0x20 else {
                throw failure(
                    .controlCharacterInString,
                    "a control character inside a string must be escaped", at: index)
            }
            index += 1
        }
        throw failure(.unexpectedEnd, "the input ended inside a string", at: index)
    }

    /// Whether any of the eight bytes in `word` is a quote, a backslash or a control character.
    ///
    /// Each test sets the top bit of a byte that matches (the usual "has a zero byte" trick);
    /// bytes of 0x80 and above never match, so UTF-8 sequences pass straight through.
    @inline(__always)
    static func mayEndPlainRun(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool {
            (value &- ones) & ~value & highBits != 0
        }
        let hasQuote = hasZeroByte(word ^ (ones &* UInt64(UInt8(ascii: "\""))))
        let hasBackslash = hasZeroByte(word ^ (ones &* UInt64(UInt8(ascii: "\\"))))
        let hasControl = (word &- ones &* 0x20) & ~word & highBits != 0
        return hasQuote || hasBackslash || hasControl
    }

    /// Reads the rest of a string that contains escapes, copying runs of plain bytes whole.
    private mutating func readEscapedString(
        from start: Int, firstEscape: Int
    ) throws(JSONSyntaxError) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(firstEscape - start + 32)
        var runStart = start
        var index = firstEscape

        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                decoded.append(contentsOf: bytes[runStart..<index])
                position = index + 1
                return String(decoding: decoded, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                decoded.append(contentsOf: bytes[runStart..<index])
                index = try decodeEscape(at: index, into: &decoded)
                runStart = index
                continue
            }
            guard byte >= 0x20 else {
                throw failure(
                    .controlCharacterInString,
                    "a control character inside a string must be escaped", at: index)
            }
            index += 1
        }
        throw failure(.unexpectedEnd, "the input ended inside a string", at: index)
    }

    /// Decodes the escape starting with the backslash at `index` and appends its UTF-8 form.
    ///
    /// - Returns: The offset of the first byte after the escape.
    private func decodeEscape(
        at index: Int, into decoded: inout [UInt8]
    ) throws(JSONSyntaxError) -> Int {
        guard index + 1 < bytes.count else {
            throw failure(.unexpectedEnd, "the input ended inside an escape", at: index)
        }

        let simple: UInt8
        switch bytes[index + 1] {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            return try decodeUnicodeEscape(at: index, into: &decoded)
        default:
            throw failure(.invalidEscape, "an escape that JSON does not define", at: index)
        }
        decoded.append(simple)
        return index + 2
    }

    /// Decodes `\uXXXX`, or a `\uXXXX\uXXXX` surrogate pair, starting at `index`.
    private func decodeUnicodeEscape(
        at index: Int, into decoded: inout [UInt8]
    ) throws(JSONSyntaxError) -> Int {
        let unit = try hexQuad(at: index + 2, escapeOffset: index)
        var scalarValue = UInt32(unit)
        var end = index + 6

        switch unit {
        case 0xD800...0xDBFF:
            // A high surrogate counts only with a low surrogate escape right after it.
            let hasLowEscape =
                end + 1 < bytes.count && bytes[end] == UInt8(ascii: "\\")
                && bytes[end + 1] == UInt8(ascii: "u")
            guard hasLowEscape else {
                throw failure(
                    .loneSurrogate, "a \\u escape for half of a surrogate pair", at: index)
            }
            let low = try hexQuad(at: end + 2, escapeOffset: end)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw failure(
                    .loneSurrogate, "a \\u escape for half of a surrogate pair", at: index)
            }
            scalarValue = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
            end += 6
        case 0xDC00...0xDFFF:
            throw failure(.loneSurrogate, "a \\u escape for half of a surrogate pair", at: index)
        default:
            break
        }

        appendUTF8(of: scalarValue, to: &decoded)
        return end
    }

    /// Appends the UTF-8 form of a scalar value (never a surrogate, at most U+10FFFF).
    private func appendUTF8(of value: UInt32, to decoded: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            decoded.append(UInt8(value))
        case 0x80..<0x800:
            decoded.append(0xC0 | UInt8(value >> 6))
            decoded.append(0x80 | UInt8(value & 0x3F))
        case 0x800..<0x10000:
            decoded.append(0xE0 | UInt8(value >> 12))
            decoded.append(0x80 | UInt8(value >> 6 & 0x3F))
            decoded.append(0x80 | UInt8(value & 0x3F))
        default:
            decoded.append(0xF0 | UInt8(value >> 18))
            decoded.append(0x80 | UInt8(value >> 12 & 0x3F))
            decoded.append(0x80 | UInt8(value >> 6 & 0x3F))
            decoded.append(0x80 | UInt8(value & 0x3F))
        }
    }

    /// Reads the four hex digits of a `\u` escape.
    private func hexQuad(at index: Int, escapeOffset: Int) throws(JSONSyntaxError) -> UInt16 {
        var value: UInt16 = 0
        for offset in index..<index + 4 {
            guard offset < bytes.count else {
                throw failure(.unexpectedEnd, "the input ended inside an escape", at: escapeOffset)
            }
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw failure(
                    .invalidEscape, "a \\u escape needs four hex digits", at: escapeOffset)
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
