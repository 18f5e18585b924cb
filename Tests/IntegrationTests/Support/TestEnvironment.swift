import Foundation
import Testing

/// Where the integration tests find the PostgreSQL cluster, the built
/// programs and the fixtures. `deploy/test` sets the variables.
enum TestEnvironment {
    /// The repository's root directory.
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 {
            url.deleteLastPathComponent()
        }
        return url
    }()

    /// The maintenance database URL of the test cluster.
    static func databaseURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["MPESA_TEST_DATABASE_URL"],
            !url.isEmpty
        else {
            throw TestSetupError(
                "MPESA_TEST_DATABASE_URL is not set: run the integration tests with deploy/test")
        }
        return url
    }

    /// The directory holding `mpesa-callbackd` and the other programs.
    static var binaryDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["MPESA_TEST_BIN_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repositoryRoot.appendingPathComponent(".build/debug")
    }

    /// A program built by this package.
    static func program(_ name: String) -> URL {
        binaryDirectory.appendingPathComponent(name)
    }

    /// The fixtures directory (`Tests/Fixtures`).
    static var fixtures: URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures")
    }
}

/// A test could not set up what it needs; the message says what to do.
struct TestSetupError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
