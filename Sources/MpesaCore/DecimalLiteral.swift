#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A decimal literal reduced to `significand × 10^exponent`, read digit by digit.
///
/// Leading zeros are dropped and trailing zeros move into the exponent, so `0012.500` and
/// `125e-1` both become 125 × 10^-1. This is how amounts and `Decimal` values are computed
/// without a binary float ever touching them.
struct DecimalLiteral {
    /// The most significant digits kept; 10^38 - 1 still fits in 128 bits.
    static let maximumSignificantDigits = 38

    /// Whether the literal has a minus sign.
    var isNegative: Bool

    /// The digits without leading or trailing zeros; 0 when the value is zero.
    var significand: UInt128

    /// How many digits ``significand`` has; 0 when the value is zero.
    var digitCount: Int

    /// The power of ten the significand is scaled by (clamped far outside any useful range).
    var exponent: Int

    /// Whether the value is zero, whatever its sign or spelling.
    var isZero: Bool {
        significand == 0
    }

    /// The number of digits before the decimal point once the exponent is applied.
    var integerDigitCount: Int {
        max(0, digitCount + exponent)
    }

    /// The number of digits after the decimal point once the exponent is applied.
    var fractionDigitCount: Int {
        max(0, -exponent)
    }

    /// Reads text that already follows the JSON number grammar or the plain decimal form
    /// (digits, optionally a point and digits).
    ///
    /// - Returns: nil when the literal has more than 38 significant digits.
    init?(validatedText text: String) {
        // A saturating bound on the written exponent: far beyond Decimal's range, far below
        // overflow of Int.
        let exponentLimit = 1_000_000_000
        var isNegative = false
        var significand: UInt128 = 0
        var digitCount = 0
        var pendingZeros = 0
        var fractionDigits = 0
        var isInFraction = false
        var isInExponent = false
        var writtenExponent = 0
        var isExponentNegative = false

        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"):
                if isInExponent {
                    isExponentNegative = true
                } else {
                    isNegative = true
                }
            case UInt8(ascii: "."):
                isInFraction = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                isInExponent = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int(byte &- UInt8(ascii: "0"))
                if isInExponent {
                    writtenExponent = min(writtenExponent * 10 + digit, exponentLimit)
                    continue
                }
                if isInFraction {
                    fractionDigits += 1
                }
                // Zeros are held back until a non-zero digit shows they are not trailing.
                if digit == 0 {
                    if digitCount > 0 {
                        pendingZeros += 1
                    }
                    continue
                }
                let newCount = digitCount + pendingZeros + 1
                guard newCount <= Self.maximumSignificantDigits else {
                    return nil
                }
                for _ in 0...pendingZeros {
                    significand *= 10
                }
                significand += UInt128(digit)
                digitCount = newCount
                pendingZeros = 0
            default:
                // "+" in an exponent: nothing to record.
                break
            }
        }

        let signedExponent = isExponentNegative ? -writtenExponent : writtenExponent
        self.isNegative = isNegative
        self.significand = significand
        self.digitCount = digitCount
        self.exponent = significand == 0 ? 0 : signedExponent - fractionDigits + pendingZeros
    }

    /// The value as `Decimal`, or nil when `Decimal` cannot hold it exactly.
    var decimalValue: Decimal? {
        guard !isZero else {
            return Decimal(0)
        }

        // Decimal keeps an 8-bit exponent. A larger one can be paid for with digits of the
        // significand while they last; a smaller one cannot, as there are no trailing zeros.
        var significand = significand
        var exponent = exponent
        var digitCount = digitCount
        guard exponent >= Int(Int8.min) else {
            return nil
        }
        while exponent > Int(Int8.max) {
            guard digitCount < Self.maximumSignificantDigits else {
                return nil
            }
            significand *= 10
            exponent -= 1
            digitCount += 1
        }

        let high = Decimal(UInt64(significand >> 64))
        let low = Decimal(UInt64(truncatingIfNeeded: significand))
        let twoToThe64 = Decimal(UInt64.max) + 1
        let magnitude = high * twoToThe64 + low
        return Decimal(
            sign: isNegative ? .minus : .plus, exponent: exponent, significand: magnitude)
    }
}
