import Foundation
import Testing

@testable import StkSender

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite struct DarajaAnswerTests {
    private func bytes(_ text: String) -> [UInt8] {
        Array(text.utf8)
    }

    // MARK: OAuth

    @Test(arguments: [#""3599""#, "3599"])
    func tokenLifetimeIsReadAsStringOrNumber(_ expiresIn: String) throws {
        let body = bytes(
            #"{"access_token":"c9SQxWWhmdVRlyh0zh8gZDTkubVF","expires_in":\#(expiresIn)}"#)
        let token = try IssuedToken.read(status: 200, body: body).get()
        #expect(token.value.exposedValue == "c9SQxWWhmdVRlyh0zh8gZDTkubVF")
        #expect(token.lifetimeSeconds == 3_599)
        #expect(token.refreshAfterSeconds == 3_299)
    }

    @Test func shortLifetimesAreRefreshedAtThreeQuarters() throws {
        let body = bytes(#"{"access_token":"abc","expires_in":"60"}"#)
        #expect(try IssuedToken.read(status: 200, body: body).get().refreshAfterSeconds == 45)
    }

    @Test(arguments: [
        #"{"expires_in":"3599"}"#, #"{"access_token":"","expires_in":"3599"}"#,
        #"{"access_token":"a b","expires_in":"3599"}"#, #"{"access_token":"abc"}"#,
        #"{"access_token":"abc","expires_in":"soon"}"#, #"{"access_token":"abc","expires_in":0}"#,
        #"{"access_token":"abc","expires_in":3599.5}"#, "not json", "",
    ])
    func answersWithoutAUsableTokenAreRefusals(_ body: String) {
        guard case .failure(let error) = IssuedToken.read(status: 200, body: bytes(body)) else {
            Issue.record("accepted \(body)")
            return
        }
        #expect(error.code == "unreadable_answer")
    }

    @Test func nonOKStatusIsARefusalWithOrWithoutABody() {
        let envelope = bytes(
            #"{"requestId":"1","errorCode":"400.008.02","errorMessage":"Invalid grant type passed"}"#
        )
        #expect(
            IssuedToken.read(status: 400, body: envelope).failure
                == DarajaError(code: "400.008.02", message: "Invalid grant type passed"))
        #expect(IssuedToken.read(status: 401, body: []).failure?.code == "http_401")
        let tokenInError = bytes(#"{"access_token":"abc","expires_in":"3599"}"#)
        #expect(IssuedToken.read(status: 503, body: tokenInError).failure?.code == "http_503")
    }

    // MARK: STK push

    @Test func acceptanceCarriesBothIDs() {
        let body = bytes(
            #"{"MerchantRequestID":"2654-4b64-97ff-b827b542881d3130","#
                + #""CheckoutRequestID":"ws_CO_1007202409152617172396192","ResponseCode":"0","#
                + #""ResponseDescription":"Success. Request accepted for processing","#
                + #""CustomerMessage":"Success. Request accepted for processing"}"#)
        #expect(
            StkPushReply(.answered(status: 200, body: body))
                == .accepted(
                    merchantRequestID: "2654-4b64-97ff-b827b542881d3130",
                    checkoutRequestID: "ws_CO_1007202409152617172396192"))
    }

    @Test func errorEnvelopeIsARefusalWhateverTheStatus() {
        let envelope = bytes(
            #"{"requestId":"1","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid PhoneNumber"}"#
        )
        for status in [400, 200, 500] {
            #expect(
                StkPushReply(.answered(status: status, body: envelope))
                    == .refused(
                        DarajaError(
                            code: "400.002.02", message: "Bad Request - Invalid PhoneNumber")))
        }
    }

    @Test func invalidTokenAsksForARefresh() {
        let envelope = bytes(
            #"{"requestId":"1","errorCode":"404.001.03","errorMessage":"Invalid Access Token"}"#)
        #expect(StkPushReply(.answered(status: 404, body: envelope)) == .invalidToken)
        #expect(StkPushReply(.answered(status: 401, body: [])) == .invalidToken)
    }

    @Test func nonZeroResponseCodeIsARefusal() {
        let body = bytes(#"{"ResponseCode":"1","ResponseDescription":"Rejected"}"#)
        #expect(
            StkPushReply(.answered(status: 200, body: body))
                == .refused(DarajaError(code: "1", message: "Rejected")))
    }

    @Test(arguments: [
        (502, "<html>Bad Gateway</html>"), (500, ""), (200, "{}"),
        (200, #"{"ResponseCode":"0","CheckoutRequestID":"ws_CO_1"}"#),
    ])
    func answersThatCannotBeReadLeaveTheOutcomeUnknown(_ status: Int, _ body: String) {
        guard case .unknown(let error) = StkPushReply(.answered(status: status, body: bytes(body)))
        else {
            Issue.record("not unknown: \(status) \(body)")
            return
        }
        #expect(error.code == "unreadable_answer")
    }

    @Test func clientErrorWithoutAnEnvelopeIsARefusal() {
        #expect(
            StkPushReply(.answered(status: 400, body: bytes("Bad Request")))
                == .refused(
                    DarajaError(code: "http_400", message: "refused without a Daraja error")))
    }

    @Test func connectionNotMadeIsARefusalAndALostAnswerIsUnknown() {
        let notSent = DarajaClient.failure(URLError(.cannotConnectToHost))
        guard case .refused(let refusal) = StkPushReply(notSent) else {
            Issue.record("a refused connection sent nothing")
            return
        }
        #expect(refusal.code == "connection_failed")

        for code in [URLError.Code.timedOut, .networkConnectionLost, .badServerResponse] {
            guard case .unknown = StkPushReply(DarajaClient.failure(URLError(code))) else {
                Issue.record("\(code) may have sent the push")
                continue
            }
        }
        guard
            case .refused(let tls) = StkPushReply(
                DarajaClient.failure(URLError(.secureConnectionFailed)))
        else {
            Issue.record("a failed handshake sent nothing")
            return
        }
        #expect(tls.code == "tls_failed")
    }

    // MARK: STK query

    @Test(arguments: [#""1032""#, "1032"])
    func queryResultCodeIsReadAsStringOrNumber(_ code: String) {
        let body = bytes(
            #"{"ResponseCode":"0","ResponseDescription":"The service request has been accepted successfully","#
                + #""MerchantRequestID":"22205-34066-1","CheckoutRequestID":"ws_CO_13012021093521236557","#
                + #""ResultCode":\#(code),"ResultDesc":"Request Cancelled by user."}"#)
        #expect(
            StkQueryReply(.answered(status: 200, body: body))
                == .result(
                    .completed(resultCode: "1032", resultDescription: "Request Cancelled by user."))
        )
    }

    @Test func stillProcessingIsPendingInBothForms() {
        let under = bytes(
            #"{"ResponseCode":"0","ResultCode":"4999","ResultDesc":"The transaction is still under processing"}"#
        )
        #expect(
            StkQueryReply(.answered(status: 200, body: under))
                == .result(.pending(message: "The transaction is still under processing")))
        let busy = bytes(
            #"{"requestId":"1","errorCode":"500.001.1001","errorMessage":"The transaction is being processed"}"#
        )
        for status in [500, 200] {
            #expect(
                StkQueryReply(.answered(status: status, body: busy))
                    == .result(.pending(message: "The transaction is being processed")))
        }
    }

    @Test func queryFailures() {
        let token = bytes(
            #"{"requestId":"1","errorCode":"404.001.03","errorMessage":"Invalid Access Token"}"#)
        #expect(StkQueryReply(.answered(status: 404, body: token)) == .invalidToken)
        let other = bytes(
            #"{"requestId":"1","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid CheckoutRequestID"}"#
        )
        #expect(
            StkQueryReply(.answered(status: 400, body: other))
                == .failed(
                    DarajaError(
                        code: "400.002.02", message: "Bad Request - Invalid CheckoutRequestID")))
        guard case .failed(let error) = StkQueryReply(.answered(status: 200, body: bytes("{}")))
        else {
            Issue.record("an answer without ResultCode was read")
            return
        }
        #expect(error.code == "unreadable_answer")
    }
}

extension Result {
    /// The error, for a failure.
    fileprivate var failure: Failure? {
        guard case .failure(let error) = self else { return nil }
        return error
    }
}
