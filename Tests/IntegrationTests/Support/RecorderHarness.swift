import CallbackStore
import EventHTTP
import Foundation
import Locking
import MpesaCore
import PostgresClient

/// A `CallbackRecorder` on an event loop of its own, for tests that need to
/// choose which deliveries share a transaction, which a daemon under HTTP
/// load decides by timing.
final class RecorderHarness: @unchecked Sendable {
    private let loop: EventLoop
    // Touched on the loop thread only.
    private var connection: PostgresConnection?
    private var recorder: CallbackRecorder?
    private let stopped = DispatchSemaphore(value: 0)
    private let batchSizes = Locked<[Int]>([])
    private let recheckedCount = Locked(0)

    /// Migrates `database`, starts the loop and waits until the recorder's
    /// connection is ready.
    init(database: TestDatabase) async throws {
        try Migrator.apply(on: database.connect())
        loop = try EventLoop()
        loop.runOnNewThread { [stopped] in stopped.signal() }
        let url = database.url
        await withCheckedContinuation { (ready: CheckedContinuation<Void, Never>) in
            loop.execute { [self] in
                let connection = PostgresConnection(
                    loop: loop,
                    options: PostgresConnection.Options(
                        connectionString: url, statements: CallbackRecorder.statements))
                let recorder = CallbackRecorder(loop: loop, connections: [connection])
                recorder.onRechecked = { [self] count in
                    recheckedCount.withLock { $0 += count }
                }
                recorder.onBatchCommitted = { [self] size, _ in
                    batchSizes.withLock { $0.append(size) }
                }
                var isReady = false
                connection.onStateChange = { state, _ in
                    guard state == .ready, !isReady else { return }
                    isReady = true
                    ready.resume()
                }
                self.connection = connection
                self.recorder = recorder
                connection.start()
            }
        }
    }

    /// Successes checked again after their batch, in a transaction of their
    /// own: repeats of a recorded success, and losers of a race.
    var rechecked: Int { recheckedCount.withLock { $0 } }

    /// The sizes of the transactions committed so far, in order.
    var committedBatchSizes: [Int] { batchSizes.withLock { $0 } }

    /// Hands every body to the recorder in one turn of the loop, and waits
    /// until each is committed. The first goes alone, since no transaction is
    /// under way; the others wait for it and go together in the next.
    func recordInOneTurn(_ bodies: [Data]) async throws {
        let failed = await results(ofOneTurn: bodies).compactMap { result in
            if case .failure(let failure) = result { return "\(failure)" }
            return nil
        }
        guard failed.isEmpty else { throw TestSetupError("not recorded: \(failed)") }
    }

    /// Like `recordInOneTurn`, but returns what became of each body, in order.
    func results(
        ofOneTurn bodies: [Data]
    ) async -> [Result<CallbackRecorder.Recorded, CallbackRecorder.Failure>] {
        let deliveries = bodies.map { body in
            let bytes = Array(body)
            let verdict: Delivery.Verdict
            switch CallbackValidator.validate(bytes) {
            case .success(let callback): verdict = .accepted(callback)
            case .failure(let rejection): verdict = .rejected(rejection)
            }
            return Delivery(sourceAddress: "127.0.0.1", body: bytes, verdict: verdict)
        }
        let results = Locked<[Int: Result<CallbackRecorder.Recorded, CallbackRecorder.Failure>]>(
            [:])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            loop.execute { [self] in
                for (index, delivery) in deliveries.enumerated() {
                    recorder?.record(delivery) { result in
                        let isLast = results.withLock { results in
                            results[index] = result
                            return results.count == deliveries.count
                        }
                        if isLast { done.resume() }
                    }
                }
            }
        }
        return results.withLock { results in deliveries.indices.compactMap { results[$0] } }
    }

    /// Closes the connection and stops the loop.
    func stop() {
        loop.execute { [self] in
            connection?.close()
            recorder = nil
            connection = nil
            loop.stop()
        }
        stopped.wait()
    }
}
