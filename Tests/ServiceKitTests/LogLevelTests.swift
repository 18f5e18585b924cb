import ServiceKit
import Testing

@Suite struct LogLevelTests {
    @Test func levelsCarryTheSyslogPrefixesJournaldReads() {
        let prefixes = LogLevel.allCases.map(\.syslogPrefix)
        #expect(prefixes == ["<7>", "<6>", "<5>", "<4>", "<3>", "<2>"])
    }

    @Test func parsingAcceptsEveryNameInAnyCase() {
        #expect(LogLevel(parsing: "warning") == .warning)
        #expect(LogLevel(parsing: "DEBUG") == .debug)
        #expect(LogLevel(parsing: "Critical") == .critical)
    }

    @Test(arguments: ["", "warn", "verbose", " info", "info\n"])
    func parsingRefusesAnythingElse(text: String) {
        #expect(LogLevel(parsing: text) == nil)
    }

    @Test func levelsAreOrderedBySeverity() {
        #expect(LogLevel.allCases.sorted() == LogLevel.allCases)
        #expect(LogLevel.debug < .info)
        #expect(LogLevel.error < .critical)
        #expect(!(LogLevel.warning < .notice))
    }
}
