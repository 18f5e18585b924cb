import MpesaCore

/// Daraja's error envelope, `{requestId, errorCode, errorMessage}`, or a
/// refusal the sender names itself (`connection_failed`).
public struct DarajaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Such as `400.002.02`, or a local code without dots.
    public let code: String
    /// Such as `Bad Request - Invalid PhoneNumber`; Daraja's code alone is generic.
    public let message: String

    /// The invalid, expired or superseded access token.
    public static let invalidAccessTokenCode = "404.001.03"

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// `code message`.
    public var description: String {
        "\(code) \(message)"
    }

    /// The envelope in an answer body, when it holds one.
    ///
    /// The HTTP status is not enough: Daraja has sent an envelope inside a
    /// 200, so the body decides.
    static func envelope(in object: JSONObject) -> DarajaError? {
        guard let code = object["errorCode"]?.stringValue, !code.isEmpty else { return nil }
        return DarajaError(code: code, message: object["errorMessage"]?.stringValue ?? "")
    }
}

/// Reading Daraja's answer bodies.
enum DarajaAnswer {
    /// The deepest nesting read from an answer; Daraja's are flat.
    static let maximumDepth = 4

    /// The body's top-level object, when it is strict JSON and an object.
    static func object(_ body: [UInt8]) -> JSONObject? {
        guard let value = try? StrictJSONParser.parse(body, maximumDepth: maximumDepth) else {
            return nil
        }
        return value.objectValue
    }

    /// A member that Daraja writes as a string or a number (`ResultCode`,
    /// `expires_in`), as text.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number): number.text
        default: nil
        }
    }
}
