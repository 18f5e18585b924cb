import Foundation
import MpesaCore
import Testing

@Suite("JSONNumber")
struct JSONNumberTests {
    @Test(arguments: ["0", "-0", "7", "-12", "1.5", "1e5", "1E+5", "2.5e-3", "-0.0e0", "10500.00"])
    func acceptsNumberLiterals(_ text: String) throws {
        let number = try #require(JSONNumber(text: text))
        #expect(number.text == text)
        #expect(number.isNegative == text.hasPrefix("-"))
        #expect(number.hasFraction == text.contains("."))
        #expect(number.hasExponent == text.lowercased().contains("e"))
    }

    @Test(arguments: ["", "+1", "01", "1.", ".5", "1e", "0x10", " 1", "1 ", "NaN", "1_000", "--1"])
    func refusesAnythingElse(_ text: String) {
        #expect(JSONNumber(text: text) == nil)
    }

    @Test func givesIntegersOnlyForIntegerLiterals() {
        #expect(JSONNumber(text: "123")?.int64Value == 123)
        #expect(JSONNumber(text: "-5")?.int64Value == -5)
        #expect(JSONNumber(text: "9223372036854775807")?.int64Value == .max)
        #expect(JSONNumber(text: "-9223372036854775808")?.int64Value == .min)
        #expect(JSONNumber(text: "9223372036854775808")?.int64Value == nil)
        #expect(JSONNumber(text: "1.0")?.int64Value == nil)
        #expect(JSONNumber(text: "1e2")?.int64Value == nil)
        #expect(JSONNumber(20_251_212_143_052).text == "20251212143052")
    }

    @Test(arguments: [
        "0", "1", "-1", "1.00", "10500.10", "0.1", "0.01", "123456789012.34", "-0.000001",
        "1e2", "1.5E-1", "12.345e1", "100e-2", "123456789012345678901234567890",
        "99999999999999999999999999999999999999", "0.00000000000000000000000000000000000001",
        "1e127", "-7.25e-120",
    ])
    func convertsToDecimalExactly(_ text: String) throws {
        let number = try #require(JSONNumber(text: text))
        let expected = try #require(
            Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
        #expect(number.decimalValue == expected)
    }

    @Test func convertsLargeExponentsWhileDigitsLast() throws {
        // 1e130 is 10^3 × 10^127: the significand can take the digits Decimal's exponent lacks.
        let value = try #require(JSONNumber(text: "1e130")?.decimalValue)
        #expect(value == Decimal(sign: .plus, exponent: 127, significand: 1_000))
    }

    @Test(arguments: [
        "1e400", "1e-400", "1234567890123456789012345678901234567891",
        "0.1234567890123456789012345678901234567891", "1e-129",
    ])
    func givesNoDecimalWhenItCannotBeExact(_ text: String) throws {
        #expect(try #require(JSONNumber(text: text)).decimalValue == nil)
    }

    @Test func writesAmountsWithTwoDecimals() {
        #expect(JSONNumber(Amount(minorUnits: 1_050_010)).text == "10500.10")
        #expect(JSONNumber(Amount(minorUnits: -5)) == JSONNumber(text: "-0.05"))
    }

    @Test func comparesByLiteral() {
        #expect(JSONNumber(text: "1.0") != JSONNumber(text: "1.00"))
        #expect(JSONNumber(text: "1.0") == JSONNumber(text: "1.0"))
        #expect(JSONNumber(text: "-0")?.decimalValue == 0)
    }
}
