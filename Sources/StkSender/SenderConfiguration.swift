import ServiceKit

/// The sender's settings, the `DARAJA_*` variables, read from the same
/// `ConfigurationSource` as the rest of a program's configuration.
///
/// `mpesa-stk` cannot work without them (`required(from:)`); in the daemon
/// the sender is optional (`optional(from:)`): it is off when no `DARAJA_*`
/// variable is set, and every missing one is a problem once any is set.
public struct SenderConfiguration: Sendable {
    /// `TransactionType`: a paybill, or a till (buy goods) with the till in `PartyB`.
    public enum TransactionType: String, CaseIterable, Sendable {
        case payBill = "CustomerPayBillOnline"
        case buyGoods = "CustomerBuyGoodsOnline"
    }

    /// Where Daraja is.
    public var endpoint: DarajaEndpoint
    public var consumerKey: Secret
    public var consumerSecret: Secret
    /// `BusinessShortCode`: the paybill, or the store number of a till.
    public var shortCode: String
    /// The Lipa na M-Pesa passkey that signs each request's password.
    public var passkey: Secret
    public var transactionType: TransactionType
    /// `PartyB`: the short code for a paybill, the till number for buy goods.
    public var partyB: String
    /// `CallBackURL`; it holds the receiver's secret path token, so it is a secret.
    public var callbackURL: Secret
    /// How long one HTTP exchange with Daraja may take.
    public var requestTimeout: Duration

    /// Every variable read here, in the order of the README's table.
    public static let variables = [
        "DARAJA_BASE_URL", "DARAJA_CONSUMER_KEY", "DARAJA_CONSUMER_SECRET", "DARAJA_SHORTCODE",
        "DARAJA_PASSKEY", "DARAJA_TRANSACTION_TYPE", "DARAJA_PARTY_B", "DARAJA_CALLBACK_URL",
        "DARAJA_TIMEOUT",
    ]

    /// Reads the settings for a program that needs the sender; each missing
    /// one is a problem.
    public static func required(from source: ConfigurationSource) -> SenderConfiguration {
        SenderConfiguration(
            source: source, secrets: SecretSettings(source: source),
            missingMessage: "is required")
    }

    /// Reads the settings for the daemon: nil, and no problem, when no
    /// `DARAJA_*` variable is set.
    public static func optional(from source: ConfigurationSource) -> SenderConfiguration? {
        // Secrets may come from credential files alone, so they are read
        // before deciding whether anything is set.
        let secrets = SecretSettings(source: source)
        guard secrets.isAnySet || variables.contains(where: { source.string($0) != nil }) else {
            return nil
        }
        return SenderConfiguration(
            source: source, secrets: secrets,
            missingMessage: "is required once any DARAJA_* variable is set")
    }

    /// The secret settings, each nil when unset.
    private struct SecretSettings {
        let consumerKey: Secret?
        let consumerSecret: Secret?
        let passkey: Secret?
        let callbackURL: Secret?

        init(source: ConfigurationSource) {
            consumerKey = source.secret("DARAJA_CONSUMER_KEY")
            consumerSecret = source.secret("DARAJA_CONSUMER_SECRET")
            passkey = source.secret("DARAJA_PASSKEY")
            callbackURL = source.secret("DARAJA_CALLBACK_URL")
        }

        var isAnySet: Bool {
            [consumerKey, consumerSecret, passkey, callbackURL].contains { $0 != nil }
        }
    }

    private init(source: ConfigurationSource, secrets: SecretSettings, missingMessage: String) {
        func require<Value>(_ value: Value?, _ name: String, placeholder: Value) -> Value {
            guard let value else {
                source.recordProblem(name, missingMessage)
                return placeholder
            }
            return value
        }

        endpoint = source.parsed(
            "DARAJA_BASE_URL", default: DarajaEndpoint.sandbox,
            expecting: "sandbox, production or an http(s) base URL", DarajaEndpoint.init(parsing:))
        consumerKey = require(secrets.consumerKey, "DARAJA_CONSUMER_KEY", placeholder: Secret(""))
        consumerSecret = require(
            secrets.consumerSecret, "DARAJA_CONSUMER_SECRET", placeholder: Secret(""))
        shortCode = require(source.string("DARAJA_SHORTCODE"), "DARAJA_SHORTCODE", placeholder: "")
        Self.checkDigits(shortCode, "DARAJA_SHORTCODE", lengths: 5...7, source: source)
        passkey = require(secrets.passkey, "DARAJA_PASSKEY", placeholder: Secret(""))
        transactionType = source.enumeration(
            "DARAJA_TRANSACTION_TYPE", default: TransactionType.payBill)
        if let till = source.string("DARAJA_PARTY_B") {
            Self.checkDigits(till, "DARAJA_PARTY_B", lengths: 5...12, source: source)
            partyB = till
        } else {
            partyB = shortCode
        }
        callbackURL = require(secrets.callbackURL, "DARAJA_CALLBACK_URL", placeholder: Secret(""))
        if !callbackURL.isEmpty {
            for problem in CallbackURLRule.problems(in: callbackURL.exposedValue) {
                source.recordProblem("DARAJA_CALLBACK_URL", problem)
            }
        }
        requestTimeout = source.duration(
            "DARAJA_TIMEOUT", default: .seconds(30), range: .milliseconds(100) ... .seconds(120))
    }

    private static func checkDigits(
        _ value: String, _ name: String, lengths: ClosedRange<Int>, source: ConfigurationSource
    ) {
        guard !value.isEmpty else { return }
        guard lengths.contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            source.recordProblem(
                name, "must be \(lengths.lowerBound) to \(lengths.upperBound) digits")
            return
        }
    }
}
