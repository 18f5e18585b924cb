import ServiceKit
import Testing

@Suite struct CommandLineParserTests {
    private let parser = CommandLineParser(
        options: ["phone", "amount", "reference"], flags: ["check-config", "dry-run"])

    @Test func optionsFlagsAndPositionalArgumentsAreRead() throws {
        let parsed = try parser.parse([
            "push", "--phone", "254708374149", "--amount=10", "--dry-run", "extra",
        ])

        #expect(parsed.positional == ["push", "extra"])
        #expect(parsed.value("phone") == "254708374149")
        #expect(parsed.value("amount") == "10")
        #expect(parsed.value("reference") == nil)
        #expect(parsed.isSet("dry-run"))
        #expect(!parsed.isSet("check-config"))
    }

    @Test func aValueMayHoldAnEqualsSignOrStartWithOneDash() throws {
        let parsed = try parser.parse(["--reference=a=b", "--amount", "-5", "--phone="])

        #expect(parsed.value("reference") == "a=b")
        #expect(parsed.value("amount") == "-5")
        #expect(parsed.value("phone") == "")
    }

    @Test func everythingAfterADoubleDashIsPositional() throws {
        let parsed = try parser.parse(["query", "--", "--phone", "-", "--bogus"])

        #expect(parsed.positional == ["query", "--phone", "-", "--bogus"])
        #expect(parsed.values.isEmpty)
    }

    @Test func everyUnknownOptionIsNamedInOneError() {
        #expect(throws: UsageError(problems: ["unknown options --bogus, -x, --also"])) {
            try parser.parse(["--bogus", "-x", "push", "--also=1"])
        }
        #expect(throws: UsageError(problems: ["unknown option --phon"])) {
            try parser.parse(["--phon", "254708374149"])
        }
    }

    @Test func misusedOptionsAreErrors() {
        #expect(throws: UsageError(problems: ["--phone needs a value"])) {
            try parser.parse(["--phone"])
        }
        #expect(throws: UsageError(problems: ["--phone needs a value"])) {
            try parser.parse(["--phone", "--dry-run"])
        }
        #expect(throws: UsageError(problems: ["--dry-run takes no value"])) {
            try parser.parse(["--dry-run=yes"])
        }
        #expect(throws: UsageError(problems: ["--amount is given more than once"])) {
            try parser.parse(["--amount", "1", "--amount=2"])
        }
    }

    @Test func theErrorListsEveryProblem() {
        let error = #expect(throws: UsageError.self) {
            try parser.parse(["--bogus", "--dry-run=1", "--phone"])
        }

        #expect(
            error?.description
                == "unknown option --bogus; --dry-run takes no value; --phone needs a value")
    }

    @Test func helpAndVersionAreAlwaysKnownAndSilenceErrors() throws {
        let help = try parser.parse(["push", "--bogus", "--help"])
        let version = try CommandLineParser().parse(["--version", "--phone"])

        #expect(help.isSet("help"))
        #expect(help.positional == ["push"])
        #expect(version.isSet("version"))
    }

    @Test func theVersionStartsWithTheReleaseNumber() {
        #expect(ServiceVersion.number == "0.1.0")
        #expect(ServiceVersion.current.hasPrefix(ServiceVersion.number))
        #expect((ServiceVersion.gitDescribe == nil) == (ServiceVersion.current == "0.1.0"))
    }
}
