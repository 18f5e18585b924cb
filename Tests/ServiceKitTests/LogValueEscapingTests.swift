import ServiceKit
import Testing

@Suite struct LogValueEscapingTests {
    /// The text a value takes after `key=` in a line.
    private func rendered(_ value: String) -> String {
        let sink = CapturingSink()
        Logger(sink: sink).info("m", [.reason: value])
        let line = sink.output
        let prefix = "<6>msg=m reason="
        #expect(line.hasPrefix(prefix) && line.hasSuffix("\n"))
        return String(line.dropFirst(prefix.count).dropLast())
    }

    @Test(
        arguments: [
            ("plain", "plain"),
            ("ws_CO_191220191020363925", "ws_CO_191220191020363925"),
            ("", "\"\""),
            ("two words", "\"two words\""),
            ("a=b", "\"a=b\""),
            ("say \"hi\"", "\"say \\\"hi\\\"\""),
            ("back\\slash", "\"back\\\\slash\""),
            ("line\nbreak", "\"line\\nbreak\""),
            ("cr\rlf", "\"cr\\rlf\""),
            ("tab\there", "\"tab\\there\""),
            ("bell\u{07}", "\"bell\\x07\""),
            ("nul\u{00}", "\"nul\\x00\""),
            ("del\u{7F}", "\"del\\x7f\""),
            ("escape\u{1B}[31m", "\"escape\\x1b[31m\""),
            ("Nairobi–café", "Nairobi–café"),
            ("Jambo 👋", "\"Jambo 👋\""),
            ("next\u{85}line", "\"next\\xc2\\x85line\""),
            ("bidi\u{202E}txt", "\"bidi\\xe2\\x80\\xaetxt\""),
            ("zero\u{200B}width", "\"zero\\xe2\\x80\\x8bwidth\""),
            ("line\u{2028}sep", "\"line\\xe2\\x80\\xa8sep\""),
            ("non\u{A0}breaking", "\"non\\xc2\\xa0breaking\""),
            ("private\u{E000}", "\"private\\xee\\x80\\x80\""),
        ])
    func valuesAreEscapedAndQuotedWhenNeeded(input: String, expected: String) {
        #expect(rendered(input) == expected)
    }

    @Test func aLongValueIsCutAtFiveHundredTwelveBytesWithAMarker() {
        let value = String(repeating: "a", count: 600)

        let text = rendered(value)

        #expect(text == String(repeating: "a", count: 498) + "...[truncated]")
        #expect(text.utf8.count == 512)
    }

    @Test func aCutNeverSplitsAMultibyteCharacter() {
        let value = "x" + String(repeating: "é", count: 300)

        let text = rendered(value)

        #expect(text == "x" + String(repeating: "é", count: 248) + "...[truncated]")
    }

    @Test func aCutNeverSplitsAnEscape() {
        let value = String(repeating: "\u{01}", count: 200)

        let text = rendered(value)

        #expect(text == "\"" + String(repeating: "\\x01", count: 124) + "...[truncated]\"")
    }

    @Test func aValueOfExactlyTheLimitIsKeptWhole() {
        let value = String(repeating: "b", count: 512)

        #expect(rendered(value) == value)
    }

    @Test(
        arguments: [
            (2.31, 2, "2.31"), (2.315, 2, "2.32"), (-0.004, 2, "0.00"), (-1.5, 0, "-2"),
            (0.0005, 4, "0.0005"), (1_234_567.891, 1, "1234567.9"), (Double.nan, 2, "nan"),
            (Double.infinity, 2, "inf"), (-Double.infinity, 3, "-inf"),
        ])
    func fixedDecimalsRoundHalfAwayFromZero(value: Double, decimals: Int, expected: String) {
        #expect(FixedDecimal(value, decimals: decimals).description == expected)
    }

    @Test func durationsBecomeMilliseconds() {
        #expect(FixedDecimal.milliseconds(.microseconds(2_310)).description == "2.31")
        #expect(FixedDecimal.milliseconds(.seconds(3)).description == "3000.00")
    }
}
