import Foundation
import MpesaCore
import Testing

@Suite("Amount")
struct AmountTests {
    @Test(
        arguments: [
            ("12", 1_200), ("12.5", 1_250), ("12.50", 1_250), ("0012.500", 1_250), ("05", 500),
            ("0.01", 1), ("0", 0), ("0.00", 0), ("10500.10", 1_050_010),
            ("999999999999.99", 99_999_999_999_999), ("92233720368547758.07", Int64.max),
        ] as [(String, Int64)])
    func readsPlainDecimals(_ text: String, _ cents: Int64) throws {
        let amount = try #require(Amount(text: text))
        #expect(amount.minorUnits == cents)
    }

    @Test(arguments: [
        "", ".", ".5", "5.", "+5", "-5", "1e2", "1E2", " 5", "5 ", "1,000", "1 000", "12.345",
        "0.001", "1.2.3", "١٢", "５", "NaN", "0x10", "92233720368547758.08",
        "99999999999999999999999",
    ])
    func refusesAnythingElse(_ text: String) {
        #expect(Amount(text: text) == nil)
    }

    @Test func readsFromASubstring() {
        let text = "KES 250.75 paid"
        let start = text.index(text.startIndex, offsetBy: 4)
        let end = text.index(start, offsetBy: 6)
        #expect(Amount(text: text[start..<end])?.minorUnits == 25_075)
    }

    @Test(
        arguments: [
            (1, "0.01"), (5, "0.05"), (10, "0.10"), (100, "1.00"), (1_050_010, "10500.10"),
            (0, "0.00"), (-5, "-0.05"), (-1_234, "-12.34"), (Int64.max, "92233720368547758.07"),
            (Int64.min, "-92233720368547758.08"),
        ] as [(Int64, String)])
    func writesTwoDecimals(_ cents: Int64, _ text: String) {
        let amount = Amount(minorUnits: cents)
        #expect(amount.text == text)
        #expect(amount.description == text)
    }

    @Test func holdsTheExactDecimalValue() throws {
        let amount = try #require(Amount(text: "10500.10"))
        let expected = try #require(
            Decimal(string: "10500.10", locale: Locale(identifier: "en_US_POSIX")))
        #expect(amount.value == expected)
        #expect(Amount(minorUnits: -5).value == Decimal(sign: .minus, exponent: -2, significand: 5))
        // 0.1 + 0.2 is exactly 0.3 here, unlike in binary floating point.
        let tenth = try #require(Amount(text: "0.1"))
        let fifth = try #require(Amount(text: "0.2"))
        let threeTenths = try #require(Amount(text: "0.3"))
        #expect(tenth.value + fifth.value == threeTenths.value)
    }

    @Test func comparesAndHashesByValue() {
        #expect(Amount(text: "1.5") == Amount(text: "1.50"))
        #expect(Amount(text: "1.5") == Amount(minorUnits: 150))
        #expect(Set([Amount(text: "1.5"), Amount(text: "1.50")]).count == 1)
        #expect(Amount(minorUnits: 99) < Amount(minorUnits: 100))
        #expect(Amount(minorUnits: -1) < Amount(minorUnits: 0))
    }
}
