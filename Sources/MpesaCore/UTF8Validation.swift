/// Checks that bytes are well-formed UTF-8, as Table 3-7 of the Unicode Standard defines it.
///
/// Overlong forms, UTF-16 surrogates encoded as UTF-8, code points above U+10FFFF and
/// sequences cut short are all refused. NUL bytes are refused too: a JSON text can never
/// contain one, and they are the mark of UTF-16 or UTF-32 input.
enum UTF8Validation {
    /// The first problem found.
    enum Problem: Equatable {
        case nulByte(offset: Int)
        case invalidSequence(offset: Int)
    }

    /// Finds the first NUL byte or ill-formed sequence at or after `start`.
    ///
    /// - Returns: nil when every byte from `start` on is well-formed UTF-8 without NUL.
    static func firstProblem(in bytes: UnsafeRawBufferPointer, from start: Int) -> Problem? {
        let count = bytes.count
        var index = start
        while index < count {
            // Eight ASCII bytes, none of them NUL, can be passed over at once.
            if index + 8 <= count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let highBits: UInt64 = 0x8080_8080_8080_8080
                let lowBits: UInt64 = 0x0101_0101_0101_0101
                let hasNonASCII = word & highBits != 0
                let hasZeroByte = (word &- lowBits) & ~word & highBits != 0
                if !hasNonASCII && !hasZeroByte {
                    index += 8
                    continue
                }
            }

            let lead = bytes[index]
            if lead < 0x80 {
                guard lead != 0 else {
                    return .nulByte(offset: index)
                }
                index += 1
                continue
            }
            guard let length = sequenceLength(in: bytes, at: index) else {
                return .invalidSequence(offset: index)
            }
            index += length
        }
        return nil
    }

    /// The length of the well-formed multi-byte sequence at `index`, or nil when it is not one.
    private static func sequenceLength(in bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let lead = bytes[index]
        let length: Int
        // The second byte's range is what rules out overlongs, surrogates and values
        // above U+10FFFF.
        let secondRange: ClosedRange<UInt8>
        switch lead {
        case 0xC2...0xDF:
            (length, secondRange) = (2, 0x80...0xBF)
        case 0xE0:
            (length, secondRange) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF:
            (length, secondRange) = (3, 0x80...0xBF)
        case 0xED:
            (length, secondRange) = (3, 0x80...0x9F)
        case 0xF0:
            (length, secondRange) = (4, 0x90...0xBF)
        case 0xF1...0xF3:
            (length, secondRange) = (4, 0x80...0xBF)
        case 0xF4:
            (length, secondRange) = (4, 0x80...0x8F)
        default:
            return nil
        }

        guard index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else {
            return nil
        }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
            return nil
        }
        return length
    }
}
