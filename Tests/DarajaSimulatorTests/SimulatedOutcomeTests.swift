import Foundation
import MpesaCore
import Testing

@testable import DarajaSimulator

@Suite struct SimulatedOutcomeTests {
    @Test(arguments: [
        ("254708374149", SimulatedOutcome.paid, Int32(0), 1),
        ("254700000001", .insufficientFunds, 1, 1), ("254700001019", .expired, 1019, 1),
        ("254700001032", .cancelled, 1032, 1), ("254700001037", .timeout, 1037, 1),
        ("254700002001", .wrongPIN, 2001, 1), ("254700009990", .callbackNeverSent, 0, 0),
        ("254700009991", .slowAnswer, 0, 1), ("254700009992", .callbackSentTwice, 0, 2),
        ("254700009993", .cancelledCallbackNeverSent, 1032, 0), ("254110129994", .paid, 0, 1),
    ])
    func lastFourDigitsChooseTheOutcome(
        _ phone: String, _ outcome: SimulatedOutcome, _ code: Int32, _ callbacks: Int
    ) {
        #expect(SimulatedOutcome(phoneNumber: phone) == outcome)
        #expect(outcome.result.code == code)
        #expect(outcome.callbackCount == callbacks)
    }

    @Test(arguments: SimulatedOutcome.allCases)
    func everyCallbackPassesTheReceiversValidation(_ outcome: SimulatedOutcome) throws {
        let now = Date(timeIntervalSince1970: 1_765_539_052)
        let identifiers = DarajaIdentifiers()
        let push = SimulatedPush(
            merchantRequestID: identifiers.merchantRequestID(),
            checkoutRequestID: "ws_CO_12122025143052001708374149",
            push: CheckedPush(amount: 10, phoneNumber: "254708374149", callbackURL: "http://x"),
            outcome: outcome, answeredAt: .now)
        let callback = push.callback(
            receiptNumber: identifiers.receiptNumber(now: now), time: KenyanDateTime(date: now))

        let validated = try CallbackValidator.validate(callback.jsonBytes()).get()
        #expect(validated == callback)
        #expect(validated.resultCode == .number(outcome.result.code))
        if outcome.result.code == 0 {
            #expect(validated.payment?.amount == Amount(minorUnits: 1_000))
            #expect(validated.payment?.phoneNumber == "254708374149")
        } else {
            #expect(validated.payment == nil)
        }
    }
}
