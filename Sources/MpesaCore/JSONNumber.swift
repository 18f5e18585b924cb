#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A JSON number, kept as the exact text of its literal.
///
/// Nothing is converted until asked for, and then only exactly: ``int64Value`` and
/// ``decimalValue`` return nil rather than round. Two numbers are equal when their literals are
/// identical, so `1.0` and `1.00` are different values here.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal as written, for example `-12.50e3`.
    public let text: String

    /// Whether the literal starts with a minus sign (also true for `-0`).
    public let isNegative: Bool

    /// Whether the literal has a decimal point and fraction digits.
    public let hasFraction: Bool

    /// Whether the literal has an exponent part (`e` or `E`).
    public let hasExponent: Bool

    /// Creates a number from text that follows the RFC 8259 number grammar.
    ///
    /// - Returns: nil when the text is not exactly one JSON number literal.
    public init?(text: some StringProtocol) {
        var text = String(text)
        let scan = text.withUTF8 { utf8 in
            JSONNumberGrammar.scan(UnsafeRawBufferPointer(utf8), from: 0)
        }
        guard case .valid(let end, let isNegative, let hasFraction, let hasExponent) = scan,
            end == text.utf8.count
        else {
            return nil
        }
        self.init(
            validatedText: text, isNegative: isNegative, hasFraction: hasFraction,
            hasExponent: hasExponent)
    }

    /// Creates the number written as the given integer.
    public init(_ value: Int64) {
        self.init(
            validatedText: String(value), isNegative: value < 0, hasFraction: false,
            hasExponent: false)
    }

    /// Creates the number written as an amount with two decimals, such as `10500.10`.
    public init(_ amount: Amount) {
        self.init(
            validatedText: amount.text, isNegative: amount.minorUnits < 0, hasFraction: true,
            hasExponent: false)
    }

    /// Creates a number from text the caller has already checked against the grammar.
    init(validatedText text: String, isNegative: Bool, hasFraction: Bool, hasExponent: Bool) {
        self.text = text
        self.isNegative = isNegative
        self.hasFraction = hasFraction
        self.hasExponent = hasExponent
    }

    /// Whether the literal is written as an integer: no fraction and no exponent.
    public var isIntegerLiteral: Bool {
        !hasFraction && !hasExponent
    }

    /// The value, when the literal is written as an integer that fits in 64 bits.
    ///
    /// `1.0` and `1e2` give nil even though their values are integers: callers that need an
    /// integer on the wire should not accept another spelling by accident.
    public var int64Value: Int64? {
        guard isIntegerLiteral else {
            return nil
        }
        return Int64(text)
    }

    /// The exact value as a `Decimal`, computed from the digits and never through a binary float.
    ///
    /// - Returns: nil when the value cannot be held exactly: more than 38 significant digits,
    ///   or an exponent beyond what `Decimal` can represent.
    public var decimalValue: Decimal? {
        DecimalLiteral(validatedText: text)?.decimalValue
    }

    /// The literal as written.
    public var description: String {
        text
    }
}

/// The RFC 8259 number grammar, shared by the parser and ``JSONNumber/init(text:)``.
enum JSONNumberGrammar {
    /// The outcome of scanning one number literal.
    enum Scan {
        case valid(end: Int, isNegative: Bool, hasFraction: Bool, hasExponent: Bool)
        case invalid(offset: Int, message: String)
    }

    /// Reads the longest number literal starting at `start` and checks its grammar.
    ///
    /// The literal ends at the first byte that cannot continue it; whether that byte may follow
    /// a number is for the caller to decide.
    static func scan(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Scan {
        var index = start
        let isNegative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if isNegative {
            index += 1
        }

        guard index < bytes.count, isDigit(bytes[index]) else {
            return .invalid(offset: index, message: "a number must start with a digit")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) {
                return .invalid(offset: index, message: "a number must not have a leading zero")
            }
        } else {
            index = skipDigits(bytes, from: index)
        }

        let hasFraction = index < bytes.count && bytes[index] == UInt8(ascii: ".")
        if hasFraction {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                return .invalid(
                    offset: index, message: "a decimal point must be followed by a digit")
            }
            index = skipDigits(bytes, from: index)
        }

        let hasExponent = index < bytes.count && bytes[index] | 0x20 == UInt8(ascii: "e")
        if hasExponent {
            index += 1
            if index < bytes.count,
                bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
            {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else {
                return .invalid(offset: index, message: "an exponent must have digits")
            }
            index = skipDigits(bytes, from: index)
        }

        return .valid(
            end: index, isNegative: isNegative, hasFraction: hasFraction,
            hasExponent: hasExponent)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    private static func skipDigits(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index < bytes.count, isDigit(bytes[index]) {
            index += 1
        }
        return index
    }
}
