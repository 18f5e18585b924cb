import Foundation
import MpesaCore
import Testing

@testable import StkSender

@Suite struct DarajaRequestBodyTests {
    private func push() throws -> StkPush {
        try StkPush.validate(
            StkPushOrder(
                phone: "0708374149", amount: "10.00", accountReference: "INV001",
                transactionDescription: "Order")
        ).get()
    }

    @Test func pushBodyHoldsExactlyTheDocumentedFields() throws {
        let configuration = try senderConfiguration()
        let signature = DarajaSignature(
            shortCode: configuration.shortCode, passkey: configuration.passkey)
        let body = DarajaRequestBody.stkPush(
            try push(), configuration: configuration, signature: signature)
        let object = try #require(StrictJSONParser.parse(body, maximumDepth: 1).objectValue)

        #expect(
            object.keys == [
                "BusinessShortCode", "Password", "Timestamp", "TransactionType", "Amount",
                "PartyA", "PartyB", "PhoneNumber", "CallBackURL", "AccountReference",
                "TransactionDesc",
            ])
        #expect(object["Amount"] == .number(JSONNumber(10)))
        #expect(object["PartyA"]?.stringValue == "254708374149")
        #expect(object["PhoneNumber"]?.stringValue == "254708374149")
        #expect(object["PartyB"]?.stringValue == "174379")
        #expect(object["TransactionType"]?.stringValue == "CustomerPayBillOnline")
        #expect(object["Timestamp"]?.stringValue == signature.timestamp)
        #expect(object["Password"]?.stringValue == signature.password.exposedValue)
        #expect(object["CallBackURL"]?.stringValue == configuration.callbackURL.exposedValue)
    }

    @Test func buyGoodsSendsTheTillAsPartyB() throws {
        let configuration = try senderConfiguration([
            "DARAJA_TRANSACTION_TYPE": "CustomerBuyGoodsOnline", "DARAJA_PARTY_B": "600100",
        ])
        let signature = DarajaSignature(
            shortCode: configuration.shortCode, passkey: configuration.passkey)
        let body = DarajaRequestBody.stkPush(
            try push(), configuration: configuration, signature: signature)
        let object = try #require(StrictJSONParser.parse(body, maximumDepth: 1).objectValue)
        #expect(object["PartyB"]?.stringValue == "600100")
        #expect(object["BusinessShortCode"]?.stringValue == "174379")
        #expect(object["TransactionType"]?.stringValue == "CustomerBuyGoodsOnline")
    }

    @Test func queryBodyIsSignedLikeThePush() throws {
        let configuration = try senderConfiguration()
        let signature = DarajaSignature(
            shortCode: configuration.shortCode, passkey: configuration.passkey)
        let body = DarajaRequestBody.stkQuery(
            checkoutRequestID: "ws_CO_1", configuration: configuration, signature: signature)
        let object = try #require(StrictJSONParser.parse(body, maximumDepth: 1).objectValue)
        #expect(object.keys == ["BusinessShortCode", "Password", "Timestamp", "CheckoutRequestID"])
        #expect(object["CheckoutRequestID"]?.stringValue == "ws_CO_1")
    }
}
