import Foundation
import MpesaCore
import Testing

/// Ten thousand broken bodies, from a seed: each gets its 400 or 413, the
/// daemon keeps running, and the valid callbacks sent among them are stored.
@Suite struct MalformedBodyTests {
    /// Change it to explore; a failure names the seed so that it can be rerun.
    private static let seed: UInt64 = 0x6D70_6573_6100_0006

    private enum Sent: Sendable {
        case malformed(Data)
        case valid(Data)
    }

    @Test func tenThousandMalformedBodiesAreRefusedAndValidOnesAmongThemStored() async throws {
        var generator = MalformedBodies(seed: Self.seed)
        var requests: [Sent] = []
        for index in 0..<10_000 {
            requests.append(.malformed(Data(generator.next())))
            if index % 50 == 0 {
                let number = index / 50
                let checkout = CallbackBodies.checkoutID(number, run: "fuzz")
                let body =
                    number % 2 == 0
                    ? CallbackBodies.success(
                        checkoutRequestID: checkout,
                        receipt: CallbackBodies.receipt(number, prefix: "F"))
                    : CallbackBodies.failure(checkoutRequestID: checkout)
                requests.append(.valid(body))
            }
        }
        let malformed = requests.compactMap { request -> Data? in
            if case .malformed(let body) = request { return body }
            return nil
        }
        let tooLarge = malformed.filter { $0.count > CallbackLimits.maximumBodyBytes }.count

        try await withDaemon { daemon, database in
            let outcomes = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                var outcomes: [(expected: Int, status: Int)] = []
                for (index, request) in requests.enumerated() {
                    if index >= 64, let outcome = try await group.next() {
                        outcomes.append(outcome)
                    }
                    group.addTask { try await Self.send(request, to: daemon) }
                }
                for try await outcome in group {
                    outcomes.append(outcome)
                }
                return outcomes
            }

            let mismatches = outcomes.filter { $0.expected != $0.status }
            #expect(mismatches.isEmpty, "seed \(Self.seed): \(mismatches.prefix(10))")
            #expect(outcomes.count == requests.count)
            #expect(daemon.isRunning)
            #expect(try await HTTPClient.shared.get(daemon.adminURL("/healthz")).status == 200)

            let valid = requests.count - malformed.count
            #expect(try database.count("mpesa.callbacks") == valid)
            #expect(try database.count("mpesa.payments") == (valid + 1) / 2)
            #expect(try database.count("mpesa.rejected_callbacks") == malformed.count - tooLarge)
            #expect(tooLarge > 0)
        }
    }

    /// Sends one request and returns the status it should get and the one it got.
    private static func send(_ request: Sent, to daemon: DaemonProcess) async throws -> (Int, Int) {
        switch request {
        case .valid(let body):
            return (200, try await HTTPClient.shared.post(daemon.callbackURL, body).status)
        case .malformed(let body) where body.count > CallbackLimits.maximumBodyBytes:
            // Refused on its announced length, before a byte of it is read.
            return (413, try await daemon.postHeadOnly(announcing: body.count).status)
        case .malformed(let body):
            return (400, try await HTTPClient.shared.post(daemon.callbackURL, body).status)
        }
    }
}
