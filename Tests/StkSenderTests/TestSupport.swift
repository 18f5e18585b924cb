import Foundation
import ServiceKit

@testable import StkSender

/// The sandbox's published test short code and passkey.
enum SandboxValues {
    static let shortCode = "174379"
    static let passkey = Secret("bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919")
}

/// A complete, valid sender environment, which tests change in one place.
func senderEnvironment(_ changes: [String: String?] = [:]) -> [String: String] {
    var environment = [
        "DARAJA_BASE_URL": "http://127.0.0.1:8090",
        "DARAJA_CONSUMER_KEY": "test-consumer-key",
        "DARAJA_CONSUMER_SECRET": "test-consumer-secret",
        "DARAJA_SHORTCODE": SandboxValues.shortCode,
        "DARAJA_PASSKEY": SandboxValues.passkey.exposedValue,
        "DARAJA_CALLBACK_URL":
            "https://pay.example.co.ke/stk/callback/0123456789abcdef0123456789abcdef",
    ]
    for (name, value) in changes {
        environment[name] = value
    }
    return environment
}

/// A valid configuration, read from `senderEnvironment`.
func senderConfiguration(_ changes: [String: String?] = [:]) throws -> SenderConfiguration {
    let source = ConfigurationSource(environment: senderEnvironment(changes))
    let configuration = SenderConfiguration.required(from: source)
    try source.finish()
    return configuration
}

/// Sets the process's time zone for the duration of `body`.
///
/// The C library and Foundation read `TZ`; the sender must not.
func withHostTimeZone<Result>(_ zone: String, _ body: () throws -> Result) rethrows -> Result {
    let saved = getenv("TZ").map { String(cString: $0) }
    defer {
        if let saved {
            setenv("TZ", saved, 1)
        } else {
            unsetenv("TZ")
        }
        tzset()
    }
    setenv("TZ", zone, 1)
    tzset()
    return try body()
}
