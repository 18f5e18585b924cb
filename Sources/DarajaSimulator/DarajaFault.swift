import EventHTTP
import MpesaCore

/// An error answer as Daraja gives it: an HTTP status and the envelope
/// `{"requestId":…,"errorCode":…,"errorMessage":…}`.
public struct DarajaFault: Error, Sendable, Equatable {
    public let status: HTTPStatus
    public let code: String
    public let message: String

    public init(status: HTTPStatus, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// `400.002.02 Bad Request - Invalid <field>`, Daraja's answer to any
    /// field it does not like.
    public static func invalid(_ field: String) -> DarajaFault {
        DarajaFault(
            status: .badRequest, code: "400.002.02", message: "Bad Request - Invalid \(field)")
    }

    /// The password does not match the short code, passkey and timestamp.
    public static let wrongCredentials = DarajaFault(
        status: .internalServerError, code: "500.001.1001", message: "Wrong credentials")
    public static let merchantDoesNotExist = DarajaFault(
        status: .internalServerError, code: "500.001.1001", message: "Merchant does not exist")
    /// Missing, unknown, expired or superseded bearer token.
    public static let invalidAccessToken = DarajaFault(
        status: .notFound, code: "404.001.03", message: "Invalid Access Token")
    public static let resourceNotFound = DarajaFault(
        status: .notFound, code: "404.001.01", message: "Resource not found")
    public static let methodNotAllowed = DarajaFault(
        status: .methodNotAllowed, code: "405.001", message: "Method Not Allowed")
    /// OAuth without HTTP Basic credentials.
    public static let invalidAuthentication = DarajaFault(
        status: .badRequest, code: "400.008.01", message: "Invalid Authentication passed")
    /// OAuth without `grant_type=client_credentials`.
    public static let invalidGrantType = DarajaFault(
        status: .badRequest, code: "400.008.02", message: "Invalid grant type passed")

    /// The envelope, with `requestID` as its `requestId`.
    public func body(requestID: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("requestId")
        writer.string(requestID)
        writer.key("errorCode")
        writer.string(code)
        writer.key("errorMessage")
        writer.string(message)
        writer.endObject()
        return writer.bytes
    }
}
