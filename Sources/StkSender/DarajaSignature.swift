import Foundation
import MpesaCore
import ServiceKit

/// The `Timestamp` and `Password` of one Daraja request.
///
/// The password is `base64(BusinessShortCode + Passkey + Timestamp)`, and
/// Daraja checks it against the timestamp sent beside it. Both come from one
/// reading of the clock, in Kenyan time whatever the host's zone, so that
/// they can never disagree (a request straddling a second boundary, or a
/// server set to another zone, would otherwise fail as "Wrong credentials").
public struct DarajaSignature: Sendable {
    /// `YYYYMMDDHHmmss` in Kenyan time (UTC+3).
    public let timestamp: String
    /// The base64 password; it is derived from the passkey, so it is secret.
    public let password: Secret

    /// Signs a request made at `date`.
    public init(shortCode: String, passkey: Secret, date: Date = Date()) {
        timestamp = KenyanDateTime(date: date).compactDigits
        password = Self.password(shortCode: shortCode, passkey: passkey, timestamp: timestamp)
    }

    /// `base64(shortCode + passkey + timestamp)`, plain concatenation of the
    /// three texts, standard alphabet with padding.
    public static func password(
        shortCode: String, passkey: Secret, timestamp: String
    ) -> Secret {
        let plain = Data((shortCode + passkey.exposedValue + timestamp).utf8)
        return Secret(plain.base64EncodedString())
    }
}
