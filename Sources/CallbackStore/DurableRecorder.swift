import EventHTTP
import Foundation
import MpesaCore
import PostgresClient
import ServiceKit

/// Makes every delivery durable before it is answered: committed in
/// PostgreSQL when it can take the write in time, otherwise appended to the
/// local spool and synced; and drains the spool into PostgreSQL in order
/// once it is back.
///
/// Thread rules: loop thread only.
public final class DurableRecorder {
    /// Where a delivery ended up.
    public enum Outcome {
        /// Committed in PostgreSQL.
        case committed(CallbackRecorder.Recorded)
        /// Synced to the local spool; it will be drained into PostgreSQL.
        case spooled
        /// A valid callback that PostgreSQL refused to store as one; its body
        /// was committed as a rejected body of kind `not_storable` instead.
        case keptForReview(PostgresError)
        /// Not durable anywhere: the caller must not acknowledge it.
        case failed(String)
    }

    private let loop: EventLoop
    private let recorder: CallbackRecorder
    private let spool: Spool?
    private let logger: Logger
    private var isDraining = false
    private var drainRetry: LoopEvent?

    /// How many records to hand to the recorder at once while draining.
    private static let drainChunk = 512

    public init(loop: EventLoop, recorder: CallbackRecorder, spool: Spool?, logger: Logger) {
        self.loop = loop
        self.recorder = recorder
        self.spool = spool
        self.logger = logger
    }

    /// Whether a new delivery can be made durable now.
    public var canMakeDurable: Bool {
        recorder.isAvailable || spool?.isWritable == true
    }

    /// Records not yet drained from the spool.
    public var spoolDepth: Int { spool?.depth ?? 0 }

    /// Called once per drained spool segment with its record count.
    public var onDrained: ((Int) -> Void)?

    /// Makes `delivery` durable and reports where it went.
    public func record(_ delivery: Delivery, completion: @escaping (Outcome) -> Void) {
        recorder.record(delivery) { [self] result in
            switch result {
            case .success(let recorded):
                completion(.committed(recorded))
            case .failure(.unavailable(let error)):
                spoolOrFail(delivery, because: error, completion: completion)
            case .failure(.refused(let error)):
                keepForReview(delivery, refusedWith: error, completion: completion)
            }
        }
    }

    private func spoolOrFail(
        _ delivery: Delivery, because error: PostgresError?,
        completion: @escaping (Outcome) -> Void
    ) {
        guard let spool else {
            completion(.failed("database unavailable and no spool: \(error.map { "\($0)" } ?? "")"))
            return
        }
        spool.append(SpoolRecord(delivery)) { result in
            switch result {
            case .success: completion(.spooled)
            case .failure(let spoolError): completion(.failed("\(spoolError)"))
            }
        }
    }

    private func keepForReview(
        _ delivery: Delivery, refusedWith error: PostgresError,
        completion: @escaping (Outcome) -> Void
    ) {
        guard delivery.callback != nil else {
            completion(.failed("database refused the rejected body: \(error)"))
            return
        }
        let rejection = CallbackRejection(
            kind: .notStorable, reason: "valid, but the database refused it as a callback: \(error)"
        )
        let fallback = Delivery(
            id: delivery.id, receivedAt: delivery.receivedAt,
            sourceAddress: delivery.sourceAddress, body: delivery.body,
            verdict: .rejected(rejection))
        recorder.record(fallback) { result in
            switch result {
            case .success: completion(.keptForReview(error))
            case .failure(let failure): completion(.failed("\(failure)"))
            }
        }
    }

    // MARK: Draining

    /// Starts draining the spool if there is something to drain and
    /// PostgreSQL can take it; safe to call at any time.
    public func drainIfPossible() {
        guard !isDraining, let spool, spool.depth > 0, recorder.isAvailable else { return }
        isDraining = true
        drainRetry = nil
        spool.takeOldestSegment { [self] result in
            switch result {
            case .success(let segment?):
                replay(segment.records[...]) { [self] isComplete in
                    guard isComplete else { return drainFailed("a record was not committed") }
                    spool.removeSegment(segment) { [self] removal in
                        if case .failure(let error) = removal {
                            return drainFailed("\(error)")
                        }
                        logger.notice(
                            "spool segment drained",
                            [
                                .count: segment.records.count, .depth: spool.depth,
                            ])
                        onDrained?(segment.records.count)
                        isDraining = false
                        drainIfPossible()
                    }
                }
            case .success(nil):
                isDraining = false
            case .failure(let error):
                drainFailed("\(error)")
            }
        }
    }

    private func drainFailed(_ reason: String) {
        isDraining = false
        logger.warning("spool drain paused", [.reason: reason, .depth: spoolDepth])
        drainRetry = try? LoopEvent.timer(on: loop, after: .seconds(1)) { [unowned self] in
            drainIfPossible()
        }
    }

    /// Records `records` in order, a chunk at a time; calls `completion` with
    /// whether every one was committed.
    private func replay(
        _ records: ArraySlice<SpoolRecord>, completion: @escaping (Bool) -> Void
    ) {
        guard !records.isEmpty else { return completion(true) }
        let chunk = records.prefix(Self.drainChunk)
        var remaining = chunk.count
        var allCommitted = true
        for record in chunk {
            let delivery = Self.delivery(from: record)
            recorder.record(delivery) { [self] result in
                switch result {
                case .success:
                    break
                case .failure(.refused(let error)):
                    // The same fallback as for a live delivery: kept for review.
                    keepForReview(delivery, refusedWith: error) { outcome in
                        if case .failed = outcome { allCommitted = false }
                    }
                case .failure(.unavailable):
                    allCommitted = false
                }
                remaining -= 1
                if remaining == 0 {
                    guard allCommitted else { return completion(false) }
                    replay(records.dropFirst(chunk.count), completion: completion)
                }
            }
        }
    }

    /// A spooled record as a delivery again; validation is run anew, so the
    /// verdict is the one the current rules give.
    static func delivery(from record: SpoolRecord) -> Delivery {
        let verdict: Delivery.Verdict
        switch CallbackValidator.validate(record.body) {
        case .success(let callback): verdict = .accepted(callback)
        case .failure(let rejection): verdict = .rejected(rejection)
        }
        return Delivery(
            id: record.deliveryID, receivedAt: record.receivedAt,
            sourceAddress: record.sourceAddress, body: record.body, verdict: verdict)
    }
}
