import Foundation
import MpesaCore
import ServiceKit

/// A push body that passed the simulator's checks.
public struct CheckedPush: Sendable, Equatable {
    /// Whole shillings.
    public let amount: Int64
    /// `PhoneNumber`, twelve digits.
    public let phoneNumber: String
    public let callbackURL: String
}

/// The checks Daraja makes on STK push and query bodies, in the order it
/// makes them, with its own error answers. Pure: no I/O, the clock passed in.
///
/// Where Daraja is known to accept something and fail later (an
/// `AccountReference` over 12 characters, an undocumented field), the
/// simulator refuses it at once, so that a sender's mistake shows.
public enum PushChecks {
    /// How far a `Timestamp` may be from Kenyan time now. Daraja's own
    /// tolerance is not documented; this catches a timestamp written in
    /// the host's zone, which is hours away.
    public static let timestampTolerance: Int64 = 600

    static let pushFields: Set<String> = [
        "BusinessShortCode", "Password", "Timestamp", "TransactionType", "Amount", "PartyA",
        "PartyB", "PhoneNumber", "CallBackURL", "AccountReference", "TransactionDesc",
    ]
    static let queryFields: Set<String> = [
        "BusinessShortCode", "Password", "Timestamp", "CheckoutRequestID",
    ]

    /// The business the simulator stands in for, and the time to check against.
    public struct Context: Sendable {
        public var shortCode: String
        public var passkey: Secret
        public var now: Date

        public init(shortCode: String, passkey: Secret, now: Date) {
            self.shortCode = shortCode
            self.passkey = passkey
            self.now = now
        }
    }

    /// Checks an STK push request body.
    public static func checkPush(
        _ body: [UInt8], contentType: String?, context: Context
    ) -> Result<CheckedPush, DarajaFault> {
        Result { () throws(DarajaFault) in
            let object = try signedObject(
                body, contentType: contentType, fields: pushFields, context: context)
            guard let type = object["TransactionType"]?.stringValue,
                type == "CustomerPayBillOnline" || type == "CustomerBuyGoodsOnline"
            else { throw .invalid("TransactionType") }
            guard let amountText = digits(object["Amount"]), let amount = Int64(amountText),
                amount >= 1
            else { throw .invalid("Amount") }
            guard let payer = digits(object["PartyA"]), isMobileNumber(payer) else {
                throw .invalid("PartyA")
            }
            guard let partyB = digits(object["PartyB"]), (5...12).contains(partyB.count) else {
                throw .invalid("PartyB")
            }
            guard let phone = digits(object["PhoneNumber"]), isMobileNumber(phone) else {
                throw .invalid("PhoneNumber")
            }
            guard let callbackURL = object["CallBackURL"]?.stringValue, isURL(callbackURL) else {
                throw .invalid("CallBackURL")
            }
            guard let reference = object["AccountReference"]?.stringValue,
                (1...12).contains(reference.count)
            else { throw .invalid("AccountReference") }
            guard let remarks = object["TransactionDesc"]?.stringValue,
                (1...13).contains(remarks.count)
            else { throw .invalid("Remarks") }
            try checkPassword(object, context: context)
            return CheckedPush(amount: amount, phoneNumber: phone, callbackURL: callbackURL)
        }
    }

    /// Checks an STK query body and returns its `CheckoutRequestID`.
    public static func checkQuery(
        _ body: [UInt8], contentType: String?, context: Context
    ) -> Result<String, DarajaFault> {
        Result { () throws(DarajaFault) in
            let object = try signedObject(
                body, contentType: contentType, fields: queryFields, context: context)
            guard let id = object["CheckoutRequestID"]?.stringValue, !id.isEmpty else {
                throw .invalid("CheckoutRequestID")
            }
            try checkPassword(object, context: context)
            return id
        }
    }

    /// The body as an object whose short code and timestamp are right.
    private static func signedObject(
        _ body: [UInt8], contentType: String?, fields: Set<String>, context: Context
    ) throws(DarajaFault) -> JSONObject {
        // Without a JSON content type Daraja names the first field it
        // cannot read, which is a famously misleading answer.
        guard let contentType, contentType.lowercased().hasPrefix("application/json") else {
            throw .invalid("BusinessShortCode")
        }
        guard let value = try? StrictJSONParser.parse(body, maximumDepth: 1),
            let object = value.objectValue
        else { throw .invalid("JSON") }
        if let unknown = object.keys.first(where: { !fields.contains($0) }) {
            throw .invalid(unknown)
        }
        guard let shortCode = digits(object["BusinessShortCode"]), (5...7).contains(shortCode.count)
        else { throw .invalid("BusinessShortCode") }
        guard shortCode == context.shortCode else { throw .merchantDoesNotExist }
        guard let text = object["Timestamp"]?.stringValue,
            let timestamp = KenyanDateTime(compactDigits: text),
            abs(timestamp.secondsSince1970 - Int64(context.now.timeIntervalSince1970.rounded()))
                <= timestampTolerance
        else { throw .invalid("Timestamp") }
        guard object["Password"]?.stringValue?.isEmpty == false else {
            throw .invalid("Password")
        }
        return object
    }

    private static func checkPassword(_ object: JSONObject, context: Context) throws(DarajaFault) {
        let timestamp = object["Timestamp"]?.stringValue ?? ""
        let expected = Data((context.shortCode + context.passkey.exposedValue + timestamp).utf8)
            .base64EncodedString()
        guard object["Password"]?.stringValue == expected else { throw .wrongCredentials }
    }

    /// A value Daraja takes as a number or a string of digits, as its digits.
    static func digits(_ value: JSONValue?) -> String? {
        let text: String
        switch value {
        case .number(let number) where number.isIntegerLiteral && !number.isNegative:
            text = number.text
        case .string(let string):
            text = string
        default:
            return nil
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return text
    }

    static func isMobileNumber(_ digits: String) -> Bool {
        digits.count == 12 && (digits.hasPrefix("2547") || digits.hasPrefix("2541"))
    }

    static func isURL(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace), let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased()
        else { return false }
        return (scheme == "https" || scheme == "http") && components.host?.isEmpty == false
    }
}
