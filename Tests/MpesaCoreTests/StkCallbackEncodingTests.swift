import MpesaCore
import Testing

@Suite("StkCallback JSON")
struct StkCallbackEncodingTests {
    private static let time = KenyanDateTime(compactDigits: "20251212143052")

    static let callbacks: [StkCallback] = {
        guard let time else {
            return []
        }
        let payment = PaymentDetails(
            amount: Amount(minorUnits: 1_050_010), receiptNumber: "TLC4R8K2QX",
            transactionTime: time,
            phoneNumber: "254708374149")
        var masked = payment
        masked.phoneNumber = "a3f1c2\u{2028}\"quoted\""
        var leadingZero = payment
        leadingZero.phoneNumber = "0708374149"
        var noPhone = payment
        noPhone.phoneNumber = nil

        func callback(_ code: ResultCode, _ payment: PaymentDetails?) -> StkCallback {
            StkCallback(
                merchantRequestID: "7c3e-4a1f",
                checkoutRequestID: "ws_CO_12122025143031512708374149",
                resultCode: code, resultDescription: "Text with \"quotes\" and \\ and\nlines",
                payment: payment)
        }
        return [
            callback(.number(0), payment), callback(.number(0), masked),
            callback(.number(0), leadingZero), callback(.number(0), noPhone),
            callback(.number(1_032), nil), callback(.number(.max), nil),
            callback(.text("SFC_IC0003"), nil),
        ]
    }()

    @Test(arguments: callbacks)
    func readsBackToTheSameCallback(_ callback: StkCallback) throws {
        #expect(try CallbackValidator.validate(callback.jsonBytes()).get() == callback)
    }

    @Test func writesNumbersTheWayProductionDoes() throws {
        let callback = try #require(Self.callbacks.first)
        let text = String(decoding: callback.jsonBytes(), as: UTF8.self)
        #expect(text.contains(#"{"Name":"Amount","Value":10500.10}"#))
        #expect(text.contains(#"{"Name":"Balance"}"#))
        #expect(text.contains(#"{"Name":"TransactionDate","Value":20251212143052}"#))
        #expect(text.contains(#"{"Name":"PhoneNumber","Value":254708374149}"#))
        #expect(text.hasPrefix(#"{"Body":{"stkCallback":{"MerchantRequestID":"7c3e-4a1f","#))
    }
}
