import ServiceKit
import Testing

@Suite struct ConfigurationSourceTests {
    private enum TransactionType: String, CaseIterable {
        case customerPayBillOnline = "CustomerPayBillOnline"
        case customerBuyGoodsOnline = "CustomerBuyGoodsOnline"
    }

    private let listenDefault = SocketAddressSpec(host: "127.0.0.1", port: 8080)
    private let timeoutRange = Duration.zero...Duration.seconds(60)

    @Test func unsetAndEmptyVariablesGiveTheDefaults() throws {
        let source = ConfigurationSource(environment: ["MPESA_LISTEN": "", "MPESA_LOG_LEVEL": ""])

        #expect(source.string("MPESA_SPOOL_DIR", default: ".local/spool") == ".local/spool")
        #expect(source.string("MPESA_DATABASE_URL") == nil)
        #expect(source.integer("MPESA_MAX_BODY", default: 65_536, range: 1...1_048_576) == 65_536)
        #expect(
            source.duration("MPESA_TIMEOUT", default: .seconds(5), range: timeoutRange)
                == .seconds(5))
        #expect(source.enumeration("MPESA_LOG_LEVEL", default: LogLevel.info) == .info)
        #expect(source.boolean("MPESA_FLAG", default: false) == false)
        #expect(source.hostAndPort("MPESA_LISTEN", default: listenDefault) == listenDefault)
        #expect(source.cidrList("MPESA_ALLOWED_SOURCES").isEmpty)
        #expect(source.secret("MPESA_ADMIN_TOKEN") == nil)
        try source.finish()
    }

    @Test func validValuesAreRead() throws {
        let source = ConfigurationSource(environment: [
            "MPESA_DATABASE_URL": "host=/run/postgresql dbname=mpesa",
            "MPESA_MAX_BODY": "1024",
            "MPESA_OFFSET": "-3",
            "MPESA_TIMEOUT": "1.5s",
            "MPESA_LOG_LEVEL": "Warning",
            "DARAJA_TRANSACTION_TYPE": "customerbuygoodsonline",
            "MPESA_FLAG": "Yes",
            "MPESA_LISTEN": "[::1]:0",
            "MPESA_ADMIN_TOKEN": "admin-token",
        ])

        #expect(source.requiredString("MPESA_DATABASE_URL") == "host=/run/postgresql dbname=mpesa")
        #expect(source.integer("MPESA_MAX_BODY", default: 1, range: 1...65_536) == 1_024)
        #expect(source.integer("MPESA_OFFSET", default: 0, range: -10...10) == -3)
        let timeout = source.duration("MPESA_TIMEOUT", default: .seconds(5), range: timeoutRange)
        #expect(timeout == .milliseconds(1_500))
        #expect(source.enumeration("MPESA_LOG_LEVEL", default: LogLevel.info) == .warning)
        let type = source.enumeration(
            "DARAJA_TRANSACTION_TYPE", default: TransactionType.customerPayBillOnline)
        #expect(type == .customerBuyGoodsOnline)
        #expect(source.boolean("MPESA_FLAG", default: false))
        let listen = source.hostAndPort("MPESA_LISTEN", default: listenDefault)
        #expect(listen == SocketAddressSpec(host: "::1", port: 0))
        #expect(source.secret("MPESA_ADMIN_TOKEN")?.exposedValue == "admin-token")
        try source.finish()
    }

    @Test func everyProblemIsReportedTogetherWithoutSecretValues() {
        let source = ConfigurationSource(environment: [
            "MPESA_LISTEN": "localhost",
            "MPESA_MAX_BODY": "lots",
            "MPESA_CALLBACK_TOKEN": "too-short-token-value",
        ])

        _ = source.hostAndPort("MPESA_LISTEN", default: listenDefault)
        _ = source.integer("MPESA_MAX_BODY", default: 1_024, range: 1...65_536)
        _ = source.requiredSecret("MPESA_CALLBACK_TOKEN", minimumLength: 32)

        let error = #expect(throws: ConfigurationError.self) { try source.finish() }
        let problems = error?.problems ?? []
        #expect(
            problems.map(\.variable) == ["MPESA_LISTEN", "MPESA_MAX_BODY", "MPESA_CALLBACK_TOKEN"])
        #expect(
            problems.map(\.message) == [
                "\"localhost\" is missing a port, as in host:8080",
                "\"lots\" is not an integer",
                "is shorter than 32 characters",
            ])
        let texts = [
            error?.description ?? "", String(reflecting: error), "\(String(describing: error))",
        ]
        #expect(texts.allSatisfy { !$0.contains("too-short-token-value") })
        #expect(
            error?.description.hasPrefix("invalid configuration, 3 problems: MPESA_LISTEN:") == true
        )
    }

    @Test func aMissingRequiredValueIsAProblem() {
        let source = ConfigurationSource(environment: [:])

        #expect(source.requiredString("MPESA_DATABASE_URL") == "")
        #expect(source.requiredSecret("MPESA_CALLBACK_TOKEN").isEmpty)

        #expect(
            source.problems == [
                ConfigurationProblem(variable: "MPESA_DATABASE_URL", message: "is required"),
                ConfigurationProblem(
                    variable: "MPESA_CALLBACK_TOKEN",
                    message: "is required, as a variable or a credential file"),
            ])
    }

    @Test(arguments: ["+5", " 5", "5 ", "5.0", "0x10", "-", "٣", "99999999999999999999"])
    func integersAreDecimalDigitsOnly(text: String) {
        let source = ConfigurationSource(environment: ["N": text])

        #expect(source.integer("N", default: 7, range: Int.min...Int.max) == 7)
        #expect(source.problems.count == 1)
    }

    @Test func anIntegerOutsideItsRangeIsAProblem() {
        let source = ConfigurationSource(environment: ["N": "70000"])

        #expect(source.integer("N", default: 8, range: 1...65_535) == 8)
        #expect(source.problems.map(\.message) == ["70000 is outside 1...65535"])
    }

    @Test(
        arguments: [
            ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("30", .seconds(30)),
            ("2m", .seconds(120)), ("1.5min", .seconds(90)), ("1h", .seconds(3_600)),
            ("250us", .microseconds(250)), ("0.000000001s", .nanoseconds(1)),
            ("0.123456789h", .nanoseconds(444_444_440_400)), ("0", .zero),
        ])
    func durationsAreReadExactly(text: String, expected: Duration) {
        #expect(ConfigurationSourceTests.readDuration(text) == expected)
    }

    @Test(arguments: [
        "5x", "-1s", ".5s", "5.s", "1.2.3s", "s", "1e3s", "5 s", "99999999999999h", "1.0000000001s",
    ])
    func malformedDurationsAreProblems(text: String) {
        #expect(ConfigurationSourceTests.readDuration(text) == nil)
    }

    @Test func aDurationOutsideItsRangeIsAProblem() {
        let source = ConfigurationSource(environment: ["T": "10m"])

        let value = source.duration(
            "T", default: .seconds(30), range: .seconds(1)...(.seconds(300)))

        #expect(value == .seconds(30))
        #expect(source.problems.map(\.message) == ["10m is outside 1s...5m"])
    }

    @Test func anUnknownChoiceListsTheChoices() {
        let source = ConfigurationSource(environment: ["MPESA_LOG_LEVEL": "verbose"])

        #expect(source.enumeration("MPESA_LOG_LEVEL", default: LogLevel.info) == .info)
        #expect(
            source.problems.map(\.message) == [
                "\"verbose\" is not one of debug, info, notice, warning, error, critical"
            ])
    }

    @Test func aCustomParserReportsWhatItExpected() {
        let source = ConfigurationSource(environment: [
            "DARAJA_BASE_URL": "ftp://x", "OK": "sandbox",
        ])
        let parse = { (text: String) -> String? in
            text == "sandbox" || text.hasPrefix("https://") ? text : nil
        }

        #expect(
            source.parsed("OK", default: "none", expecting: "sandbox or an https URL", parse)
                == "sandbox")
        #expect(
            source.parsed(
                "DARAJA_BASE_URL", default: "none", expecting: "sandbox or an https URL", parse)
                == "none")
        #expect(source.problems.map(\.message) == ["\"ftp://x\" is not sandbox or an https URL"])
    }

    @Test func aValueQuotedInAProblemIsEscapedAndShortened() {
        let source = ConfigurationSource(environment: [
            "N": "1\n" + String(repeating: "9", count: 100)
        ])

        _ = source.integer("N", default: 0, range: 0...10)

        let message = source.problems.first?.message ?? ""
        #expect(message.hasPrefix("\"1\\n999"))
        #expect(message.hasSuffix("...[truncated]\" is not an integer"))
        #expect(!message.contains("\n"))
    }

    @Test func aSecretWithAControlCharacterIsAProblemThatDoesNotQuoteIt() {
        let source = ConfigurationSource(environment: ["MPESA_ADMIN_TOKEN": "line-one\nline-two"])

        #expect(source.secret("MPESA_ADMIN_TOKEN") == nil)
        #expect(
            source.problems.map(\.description) == [
                "MPESA_ADMIN_TOKEN: contains a control character"
            ])
    }

    private static func readDuration(_ text: String) -> Duration? {
        let source = ConfigurationSource(environment: ["T": text])
        let value = source.duration(
            "T", default: .seconds(-1), range: .seconds(-1)...(.seconds(Int64.max)))
        return source.problems.isEmpty ? value : nil
    }
}
