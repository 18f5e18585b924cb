import Foundation
import ServiceKit
import Testing

@Suite struct CredentialFileTests {
    @Test func aCredentialFileIsReadWithOneTrailingNewlineRemoved() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("passkey-from-file\n", to: "DARAJA_PASSKEY")
        let source = ConfigurationSource(environment: ["CREDENTIALS_DIRECTORY": directory.path])

        #expect(source.secret("DARAJA_PASSKEY")?.exposedValue == "passkey-from-file")
        #expect(source.problems.isEmpty)
    }

    @Test func aFileWithoutANewlineIsReadWhole() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("no-newline", to: "TOKEN")
        let source = ConfigurationSource(
            environment: [:], credentialsDirectory: directory.path + "/")

        #expect(source.secret("TOKEN")?.exposedValue == "no-newline")
    }

    @Test func onlyOneNewlineIsRemoved() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("token\n\n", to: "TOKEN")
        let source = ConfigurationSource(environment: [:], credentialsDirectory: directory.path)

        #expect(source.secret("TOKEN") == nil)
        #expect(source.problems.map(\.message) == ["contains a control character"])
    }

    @Test func theEnvironmentWinsOverAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("from-file", to: "TOKEN")
        let source = ConfigurationSource(
            environment: ["TOKEN": "from-environment", "CREDENTIALS_DIRECTORY": directory.path])

        #expect(source.secret("TOKEN")?.exposedValue == "from-environment")
    }

    @Test func aMissingFileIsAnUnsetSecret() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = ConfigurationSource(environment: ["CREDENTIALS_DIRECTORY": directory.path])

        #expect(source.secret("MPESA_ADMIN_TOKEN") == nil)
        #expect(source.problems.isEmpty)
    }

    @Test func anUnreadableFileIsAProblemNotACrash() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A directory in the credential's place fails on read(2) even for root, whom
        // file permissions would not stop.
        try FileManager.default.createDirectory(
            atPath: directory.path + "/TOKEN", withIntermediateDirectories: false)
        let source = ConfigurationSource(environment: [:], credentialsDirectory: directory.path)

        #expect(source.requiredSecret("TOKEN").isEmpty)
        #expect(source.problems.count == 1)
        #expect(source.problems.first?.message.hasPrefix("cannot read credential file ") == true)
        #expect(source.problems.first?.message.hasSuffix("Is a directory (errno 21)") == true)
    }

    @Test func anOversizedFileIsAProblem() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(String(repeating: "k", count: 70_000), to: "TOKEN")
        let source = ConfigurationSource(environment: [:], credentialsDirectory: directory.path)

        #expect(source.secret("TOKEN") == nil)
        #expect(source.problems.first?.message.hasSuffix("is larger than 64 KiB") == true)
    }

    @Test func aFileThatIsNotUTF8IsAProblemThatDoesNotQuoteIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write([0x73, 0x65, 0xFF, 0x63], to: "TOKEN")
        let source = ConfigurationSource(environment: [:], credentialsDirectory: directory.path)

        #expect(source.secret("TOKEN") == nil)
        #expect(source.problems.first?.message.hasSuffix("is not UTF-8 text") == true)
    }

    @Test func anEmptyFileIsAnUnsetSecret() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("\n", to: "TOKEN")
        let source = ConfigurationSource(environment: [:], credentialsDirectory: directory.path)

        #expect(source.secret("TOKEN") == nil)
        #expect(source.requiredSecret("TOKEN").isEmpty)
        #expect(
            source.problems.map(\.message) == ["is required, as a variable or a credential file"])
    }

    @Test func aShortSecretFromAFileIsAProblemThatDoesNotQuoteIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("short-callback-token\n", to: "MPESA_CALLBACK_TOKEN")
        let source = ConfigurationSource(environment: ["CREDENTIALS_DIRECTORY": directory.path])

        _ = source.requiredSecret("MPESA_CALLBACK_TOKEN", minimumLength: 32)

        let error = #expect(throws: ConfigurationError.self) { try source.finish() }
        #expect(error?.problems.count == 1)
        #expect(error?.description.contains("short-callback-token") == false)
    }

    @Test func aSettingThatIsNotSecretMayComeFromAFileToo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("warning\n", to: "MPESA_LOG_LEVEL")
        try directory.write("128\n", to: "MPESA_MAX_BATCH_SIZE")
        let source = ConfigurationSource(
            environment: ["CREDENTIALS_DIRECTORY": directory.path, "MPESA_MAX_BATCH_SIZE": "64"])

        #expect(source.enumeration("MPESA_LOG_LEVEL", default: LogLevel.info) == .warning)
        #expect(source.integer("MPESA_MAX_BATCH_SIZE", default: 256, range: 1...5_000) == 64)
        #expect(source.problems.isEmpty)
    }

    @Test func aBadSettingFromAFileIsAProblemNamingTheSetting() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("loud\n", to: "MPESA_LOG_LEVEL")
        let source = ConfigurationSource(environment: [:], credentialsDirectory: directory.path)

        #expect(source.enumeration("MPESA_LOG_LEVEL", default: LogLevel.info) == .info)
        #expect(source.problems.map(\.variable) == ["MPESA_LOG_LEVEL"])
    }
}
