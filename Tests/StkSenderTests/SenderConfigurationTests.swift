import Foundation
import ServiceKit
import Testing

@testable import StkSender

@Suite struct SenderConfigurationTests {
    @Test func everySettingIsRead() throws {
        let configuration = try senderConfiguration([
            "DARAJA_TRANSACTION_TYPE": "CustomerBuyGoodsOnline", "DARAJA_PARTY_B": "600100",
            "DARAJA_TIMEOUT": "5s",
        ])
        #expect(configuration.endpoint.baseURL == "http://127.0.0.1:8090")
        #expect(configuration.consumerKey.exposedValue == "test-consumer-key")
        #expect(configuration.shortCode == "174379")
        #expect(configuration.transactionType == .buyGoods)
        #expect(configuration.partyB == "600100")
        #expect(configuration.requestTimeout == .seconds(5))
    }

    @Test func defaultsArePaybillToTheShortCodeOnTheSandbox() throws {
        let configuration = try senderConfiguration(["DARAJA_BASE_URL": nil])
        #expect(configuration.endpoint == .sandbox)
        #expect(configuration.transactionType == .payBill)
        #expect(configuration.partyB == configuration.shortCode)
        #expect(configuration.requestTimeout == .seconds(30))
    }

    @Test(arguments: [
        ("sandbox", "https://sandbox.safaricom.co.ke"),
        ("Production", "https://api.safaricom.co.ke"),
        ("http://127.0.0.1:8090/", "http://127.0.0.1:8090"),
        ("https://daraja.test.example", "https://daraja.test.example"),
    ])
    func baseURLIsANameOrAURL(_ text: String, _ baseURL: String) throws {
        #expect(try senderConfiguration(["DARAJA_BASE_URL": text]).endpoint.baseURL == baseURL)
    }

    @Test(arguments: ["sandbox.safaricom.co.ke", "ftp://x", "https://x?y=1", "staging"])
    func otherBaseURLsAreProblems(_ text: String) {
        let source = ConfigurationSource(environment: senderEnvironment(["DARAJA_BASE_URL": text]))
        _ = SenderConfiguration.required(from: source)
        #expect(source.problems.map(\.variable) == ["DARAJA_BASE_URL"])
    }

    @Test func daemonWithoutAnyDarajaVariableHasNoSenderAndNoProblem() {
        let source = ConfigurationSource(environment: ["MPESA_LISTEN": "127.0.0.1:8080"])
        #expect(SenderConfiguration.optional(from: source) == nil)
        #expect(source.problems.isEmpty)
    }

    @Test func daemonWithSomeDarajaVariablesNamesEachMissingOne() {
        let source = ConfigurationSource(environment: ["DARAJA_SHORTCODE": "174379"])
        #expect(SenderConfiguration.optional(from: source) != nil)
        #expect(
            source.problems.map(\.variable) == [
                "DARAJA_CONSUMER_KEY", "DARAJA_CONSUMER_SECRET", "DARAJA_PASSKEY",
                "DARAJA_CALLBACK_URL",
            ])
        #expect(source.problems.allSatisfy { $0.message.contains("once any DARAJA_*") })
    }

    @Test func secretInACredentialFileAloneTurnsTheSenderOn() throws {
        let directory = FileManager.default.temporaryDirectory.path + "/sender-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("a-passkey\n".utf8).write(to: URL(fileURLWithPath: directory + "/DARAJA_PASSKEY"))

        let source = ConfigurationSource(environment: ["CREDENTIALS_DIRECTORY": directory])
        let configuration = SenderConfiguration.optional(from: source)
        #expect(configuration?.passkey.exposedValue == "a-passkey")
        #expect(source.problems.map(\.variable).contains("DARAJA_CONSUMER_KEY"))
    }

    @Test func commandLineNeedsEveryRequiredVariable() {
        let source = ConfigurationSource(environment: [:])
        _ = SenderConfiguration.required(from: source)
        #expect(
            source.problems.map(\.description) == [
                "DARAJA_CONSUMER_KEY: is required", "DARAJA_CONSUMER_SECRET: is required",
                "DARAJA_SHORTCODE: is required", "DARAJA_PASSKEY: is required",
                "DARAJA_CALLBACK_URL: is required",
            ])
    }

    @Test(arguments: [
        ("DARAJA_SHORTCODE", "1743"), ("DARAJA_SHORTCODE", "17437900"),
        ("DARAJA_SHORTCODE", "17a379"), ("DARAJA_PARTY_B", "12ab"),
        ("DARAJA_TRANSACTION_TYPE", "CustomerPayBill"), ("DARAJA_TIMEOUT", "10 minutes"),
    ])
    func malformedValuesAreProblems(_ variable: String, _ value: String) {
        let source = ConfigurationSource(environment: senderEnvironment([variable: value]))
        _ = SenderConfiguration.required(from: source)
        #expect(source.problems.map(\.variable) == [variable])
    }

    @Test func callbackURLProblemsNeverShowTheURL() {
        let url = "http://pay.example.co.ke/mpesa/token-0123456789abcdef"
        let source = ConfigurationSource(
            environment: senderEnvironment(["DARAJA_CALLBACK_URL": url]))
        _ = SenderConfiguration.required(from: source)
        #expect(source.problems.count == 2)
        #expect(source.problems.allSatisfy { $0.variable == "DARAJA_CALLBACK_URL" })
        #expect(!source.problems.contains { $0.description.contains("token-0123456789abcdef") })
    }

    @Test func secretsNeverPrint() throws {
        let configuration = try senderConfiguration()
        let printed = String(reflecting: configuration) + "\(configuration)"
        for secret in [
            "test-consumer-secret", "test-consumer-key", "0123456789abcdef0123456789abcdef",
        ] {
            #expect(!printed.contains(secret))
        }
        #expect(!printed.contains(SandboxValues.passkey.exposedValue))
    }
}
