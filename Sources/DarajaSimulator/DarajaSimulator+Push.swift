import EventHTTP
import Foundation
import MpesaCore
import ServiceKit

extension DarajaSimulator {
    /// `POST /mpesa/stkpush/v1/processrequest`: checks the push, answers
    /// with both ids (at once, or late for a slow answer) and schedules the
    /// callback.
    func acceptPush(_ request: HTTPRequest) {
        guard let push = checkedBody(request, PushChecks.checkPush(_:contentType:context:)) else {
            return
        }

        let outcome = SimulatedOutcome(phoneNumber: push.phoneNumber)
        let answerDelay = outcome == .slowAnswer ? configuration.slowAnswerDelay : .zero
        let accepted = SimulatedPush(
            merchantRequestID: identifiers.merchantRequestID(),
            checkoutRequestID: identifiers.checkoutRequestID(
                now: Date(), phoneNumber: push.phoneNumber),
            push: push, outcome: outcome,
            answeredAt: .now + answerDelay + configuration.callbackDelay)
        let id = accepted.checkoutRequestID
        pushes[id] = accepted
        logger.info("stk push accepted", [.checkoutRequestID: id, .outcome: outcome.rawValue])

        guard answerDelay > .zero else {
            answerAccepted(request, accepted)
            return
        }
        heldRequests[id] = request
        after(answerDelay) { [unowned self] in
            guard let held = heldRequests.removeValue(forKey: id) else { return }
            answerAccepted(held, accepted)
        }
    }

    private func answerAccepted(_ request: HTTPRequest, _ push: SimulatedPush) {
        let description = "Success. Request accepted for processing"
        var writer = JSONWriter()
        writer.beginObject()
        for (key, value) in [
            ("MerchantRequestID", push.merchantRequestID),
            ("CheckoutRequestID", push.checkoutRequestID), ("ResponseCode", "0"),
            ("ResponseDescription", description), ("CustomerMessage", description),
        ] {
            writer.key(key)
            writer.string(value)
        }
        writer.endObject()
        request.respond(status: .ok, body: writer.bytes)
        after(configuration.callbackDelay) { [unowned self] in
            sendCallback(push.checkoutRequestID)
        }
    }

    private func sendCallback(_ checkoutRequestID: String) {
        guard let push = pushes[checkoutRequestID] else { return }
        let now = Date()
        let callback = push.callback(
            receiptNumber: identifiers.receiptNumber(now: now), time: KenyanDateTime(date: now))
        guard push.outcome.callbackCount > 0 else {
            logger.info("callback withheld", [.checkoutRequestID: checkoutRequestID])
            return
        }
        let poster = self.poster
        let body = callback.jsonBytes()
        Task {
            await poster.deliver(
                body, to: push.push.callbackURL, checkoutRequestID: checkoutRequestID,
                times: push.outcome.callbackCount)
        }
    }

    /// `POST /mpesa/stkpushquery/v1/query`: the outcome once the customer
    /// has answered; before that, alternately Daraja's two ways of saying
    /// "not yet".
    func answerQuery(_ request: HTTPRequest) {
        guard let id = checkedBody(request, PushChecks.checkQuery(_:contentType:context:)) else {
            return
        }
        guard var push = pushes[id] else {
            // Daraja says this with the same code it uses for "busy".
            return fail(
                request,
                DarajaFault(
                    status: .internalServerError, code: "500.001.1001",
                    message: "The transaction does not Exist"))
        }

        guard ContinuousClock.now >= push.answeredAt else {
            push.pendingQueries += 1
            pushes[id] = push
            if push.pendingQueries % 2 == 1 {
                return fail(
                    request,
                    DarajaFault(
                        status: .internalServerError, code: "500.001.1001",
                        message: "The transaction is being processed"))
            }
            return answerQuery(
                request, push, code: "4999",
                description: "The transaction is still under processing")
        }
        let result = push.outcome.result
        answerQuery(request, push, code: String(result.code), description: result.description)
    }

    /// A query answer: flat, every value a string, `ResultCode` included.
    private func answerQuery(
        _ request: HTTPRequest, _ push: SimulatedPush, code: String, description: String
    ) {
        var writer = JSONWriter()
        writer.beginObject()
        for (key, value) in [
            ("ResponseCode", "0"),
            ("ResponseDescription", "The service request has been accepted successfully"),
            ("MerchantRequestID", push.merchantRequestID),
            ("CheckoutRequestID", push.checkoutRequestID), ("ResultCode", code),
            ("ResultDesc", description),
        ] {
            writer.key(key)
            writer.string(value)
        }
        writer.endObject()
        logger.info(
            "stk query answered", [.checkoutRequestID: push.checkoutRequestID, .outcome: code])
        request.respond(status: .ok, body: writer.bytes)
    }
}
