#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Money in Kenyan shillings: a decimal with at most two decimal places.
///
/// The amount is held as a whole number of cents, so it is exact, cheap to compare and always
/// renders with two decimals. It is never computed through a binary float.
public struct Amount: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The exact value in shillings.
    public let value: Decimal

    /// The value in cents (hundredths of a shilling).
    public let minorUnits: Int64

    /// Creates an amount from a number of cents.
    public init(minorUnits: Int64) {
        self.minorUnits = minorUnits
        self.value = Decimal(
            sign: minorUnits < 0 ? .minus : .plus, exponent: -2,
            significand: Decimal(minorUnits.magnitude))
    }

    /// Creates an amount from a plain decimal such as `12`, `12.5`, `12.50` or `0012.500`.
    ///
    /// - Returns: nil for anything else (a sign, an exponent, spaces, a bare point, no digits),
    ///   for a value with more than two decimal places, and for one too large for cents to fit
    ///   in 64 bits.
    public init?(text: some StringProtocol) {
        let text = String(text)
        guard Self.isPlainDecimal(text), let literal = DecimalLiteral(validatedText: text),
            let minorUnits = Self.exactMinorUnits(of: literal)
        else {
            return nil
        }
        self.init(minorUnits: minorUnits)
    }

    /// The value with exactly two decimals and no grouping: `1.00`, `10500.10`, `-0.05`.
    public var text: String {
        let magnitude = minorUnits.magnitude
        let cents = magnitude % 100
        let sign = minorUnits < 0 ? "-" : ""
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// The same as ``text``.
    public var description: String {
        text
    }

    public static func < (lhs: Amount, rhs: Amount) -> Bool {
        lhs.minorUnits < rhs.minorUnits
    }

    public static func == (lhs: Amount, rhs: Amount) -> Bool {
        lhs.minorUnits == rhs.minorUnits
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(minorUnits)
    }

    /// Whether `text` is digits, optionally followed by a point and more digits.
    static func isPlainDecimal(_ text: String) -> Bool {
        var integerDigits = 0
        var fractionDigits = 0
        var hasPoint = false
        for byte in text.utf8 {
            if JSONNumberGrammar.isDigit(byte) {
                if hasPoint {
                    fractionDigits += 1
                } else {
                    integerDigits += 1
                }
            } else if byte == UInt8(ascii: "."), !hasPoint {
                hasPoint = true
            } else {
                return false
            }
        }
        return integerDigits > 0 && (!hasPoint || fractionDigits > 0)
    }

    /// The value in cents, when it has at most two decimal places and fits in 64 bits.
    static func exactMinorUnits(of literal: DecimalLiteral) -> Int64? {
        guard !literal.isZero else {
            return 0
        }
        guard literal.fractionDigitCount <= 2, literal.integerDigitCount <= 17 else {
            return nil
        }

        var cents = literal.significand
        for _ in 0..<(literal.exponent + 2) {
            cents *= 10
        }
        guard let magnitude = Int64(exactly: cents) else {
            return nil
        }
        return literal.isNegative ? -magnitude : magnitude
    }
}
