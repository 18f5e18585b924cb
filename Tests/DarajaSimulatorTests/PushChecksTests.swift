import Foundation
import MpesaCore
import ServiceKit
import StkSender
import Testing

@testable import DarajaSimulator

@Suite struct PushChecksTests {
    private let passkey = Secret("bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919")
    private let now = Date(timeIntervalSince1970: 1_765_539_052)
    private var context: PushChecks.Context {
        PushChecks.Context(shortCode: "174379", passkey: passkey, now: now)
    }

    /// A push body written by the sender itself, signed at `signedAt`.
    private func senderBody(signedAt date: Date? = nil) throws -> [UInt8] {
        let source = ConfigurationSource(environment: [
            "DARAJA_CONSUMER_KEY": "key", "DARAJA_CONSUMER_SECRET": "secret",
            "DARAJA_SHORTCODE": "174379", "DARAJA_PASSKEY": passkey.exposedValue,
            "DARAJA_CALLBACK_URL": "https://pay.example.co.ke/stk/callback/abc",
        ])
        let configuration = SenderConfiguration.required(from: source)
        try source.finish()
        let push = try StkPush.validate(
            StkPushOrder(phone: "0708374149", amount: "10", accountReference: "INV001")
        ).get()
        let signature = DarajaSignature(
            shortCode: "174379", passkey: passkey, date: date ?? now)
        return DarajaRequestBody.stkPush(push, configuration: configuration, signature: signature)
    }

    /// The sender's body with one member replaced by raw JSON (nil removes it).
    private func body(_ key: String, _ raw: String?) throws -> [UInt8] {
        let object = try #require(
            StrictJSONParser.parse(try senderBody(), maximumDepth: 1).objectValue)
        var members: [String] = []
        for member in object.members where member.key != key {
            let value = String(decoding: JSONWriter.encode(member.value), as: UTF8.self)
            members.append("\"\(member.key)\":" + value)
        }
        if let raw {
            members.append("\"\(key)\":\(raw)")
        }
        return Array(("{" + members.joined(separator: ",") + "}").utf8)
    }

    private func check(_ body: [UInt8], contentType: String? = "application/json")
        -> Result<CheckedPush, DarajaFault>
    {
        PushChecks.checkPush(body, contentType: contentType, context: context)
    }

    @Test func theSendersOwnBodyPasses() throws {
        let checked = try check(try senderBody()).get()
        #expect(
            checked
                == CheckedPush(
                    amount: 10, phoneNumber: "254708374149",
                    callbackURL: "https://pay.example.co.ke/stk/callback/abc"))
    }

    @Test func numbersMayBeStringsAndStringsNumbers() throws {
        #expect(try check(try body("Amount", #""10""#)).get().amount == 10)
        #expect(try check(try body("BusinessShortCode", "174379")).get().amount == 10)
        #expect(try check(try body("PartyA", "254708374149")).get().amount == 10)
    }

    @Test(arguments: [
        ("Amount", "10.5", "Amount"), ("Amount", "0", "Amount"), ("Amount", #""ten""#, "Amount"),
        ("Amount", "-1", "Amount"), ("Amount", "1e1", "Amount"),
        ("PartyA", #""0708374149""#, "PartyA"), ("PhoneNumber", #""254208374149""#, "PhoneNumber"),
        ("PartyB", #""12""#, "PartyB"),
        ("TransactionType", #""CustomerPayBill""#, "TransactionType"),
        ("CallBackURL", #""not a url""#, "CallBackURL"),
        ("CallBackURL", #"" https://pay.example.co.ke/x""#, "CallBackURL"),
        ("AccountReference", #""INV0000000013""#, "AccountReference"),
        ("AccountReference", "null", "AccountReference"), ("TransactionDesc", "null", "Remarks"),
        ("TransactionDesc", #""""#, "Remarks"), ("Timestamp", #""2025121214305""#, "Timestamp"),
        ("Timestamp", #""20251312143052""#, "Timestamp"), ("Password", #""""#, "Password"),
        ("BusinessShortCode", #""17437a""#, "BusinessShortCode"), ("Remarks", #""x""#, "Remarks"),
    ])
    func eachBadFieldIsNamedInDarajasEnvelope(_ key: String, _ raw: String, _ field: String) throws
    {
        #expect(check(try body(key, raw)).failure == .invalid(field))
    }

    @Test func missingFieldsAreInvalidToo() throws {
        #expect(check(try body("AccountReference", nil)).failure == .invalid("AccountReference"))
        #expect(check(try body("PhoneNumber", nil)).failure == .invalid("PhoneNumber"))
    }

    @Test func aTimestampInTheHostsZoneIsRefused() throws {
        // Los Angeles wall-clock time written as if it were Kenyan: 11 hours early.
        let hostZoneTimestamp = #""20251212033052""#
        #expect(check(try body("Timestamp", hostZoneTimestamp)).failure == .invalid("Timestamp"))
        // Ten minutes either side is tolerated.
        let late = try senderBody(signedAt: now.addingTimeInterval(590))
        #expect(throws: Never.self) { try check(late).get() }
    }

    @Test func aPasswordFromAnotherTimestampIsWrongCredentials() throws {
        let signedEarlier = DarajaSignature(
            shortCode: "174379", passkey: passkey, date: now.addingTimeInterval(-1))
        let raw = "\"\(signedEarlier.password.exposedValue)\""
        #expect(check(try body("Password", raw)).failure == .wrongCredentials)
    }

    @Test func anotherShortCodeIsAnUnknownMerchant() throws {
        #expect(check(try body("BusinessShortCode", #""600100""#)).failure == .merchantDoesNotExist)
    }

    @Test func withoutAJSONContentTypeDarajaBlamesTheShortCode() throws {
        #expect(check(try senderBody(), contentType: nil).failure == .invalid("BusinessShortCode"))
        #expect(
            check(try senderBody(), contentType: "text/plain").failure
                == .invalid("BusinessShortCode"))
        #expect(throws: Never.self) {
            try check(try senderBody(), contentType: "application/json; charset=utf-8").get()
        }
    }

    @Test func bodiesThatAreNotOneFlatObjectAreRefused() {
        for text in ["", "[]", "{", #"{"Amount":{"x":1}}"#] {
            #expect(check(Array(text.utf8)).failure == .invalid("JSON"), "\(text)")
        }
    }

    @Test func queryChecksTheSignatureAndTheID() throws {
        let signature = DarajaSignature(shortCode: "174379", passkey: passkey, date: now)
        func query(_ id: String, password: String? = nil) -> Result<String, DarajaFault> {
            let text = """
                {"BusinessShortCode":"174379","Password":"\(password ?? signature.password.exposedValue)",\
                "Timestamp":"\(signature.timestamp)","CheckoutRequestID":"\(id)"}
                """
            return PushChecks.checkQuery(
                Array(text.utf8), contentType: "application/json", context: context)
        }
        #expect(try query("ws_CO_1").get() == "ws_CO_1")
        #expect(query("").failure == .invalid("CheckoutRequestID"))
        #expect(query("ws_CO_1", password: "d3Jvbmc=").failure == .wrongCredentials)
    }
}

extension Result {
    /// The error, for a failure.
    var failure: Failure? {
        guard case .failure(let error) = self else { return nil }
        return error
    }
}
