import EventHTTP
import MpesaCore
import PostgresClient

/// Makes deliveries durable in PostgreSQL with group commit.
///
/// Each connection carries one transaction at a time. A delivery is sent at
/// once when a connection is free; deliveries that arrive while all are
/// busy wait and go together in the next transaction, so a lone callback is
/// never held back and a burst costs a few commits. With more connections
/// one transaction's statement runs while another's commit is being flushed
/// (measured slower on two cores, so the daemon uses one by default).
/// Each completion is called when its own transaction has committed. If a
/// batch is refused by the server, its deliveries are retried one by one so
/// that one bad row cannot fail its batch-mates.
///
/// Ownership: uses, but does not own, `PostgresConnection`s prepared with
/// `CallbackRecorder.statements`. Thread rules: loop thread only.
public final class CallbackRecorder {
    /// Tuning of batches and deadlines.
    public struct Options: Sendable {
        /// The most deliveries written in one transaction.
        public var maximumBatchSize: Int
        /// How long a delivery may wait for its commit before it fails as
        /// unavailable (and the caller falls back to the spool).
        public var deadline: Duration

        public init(maximumBatchSize: Int = 256, deadline: Duration = .seconds(2)) {
            self.maximumBatchSize = maximumBatchSize
            self.deadline = deadline
        }
    }

    /// Why a delivery could not be recorded.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// PostgreSQL could not take the write in time (down, lost, slow);
        /// the same write may succeed later. It may even have committed.
        case unavailable(PostgresError?)
        /// PostgreSQL refused this delivery on its own: writing it again the
        /// same way will fail again.
        case refused(PostgresError)

        public var description: String {
            switch self {
            case .unavailable(let error?): "database unavailable: \(error)"
            case .unavailable(nil): "database did not answer before the deadline"
            case .refused(let error): "database refused the record: \(error)"
            }
        }
    }

    /// What the commit did with one delivery.
    public struct Recorded: Sendable, Equatable {
        /// False when this delivery id was already stored (a replay).
        public var isNewDelivery: Bool
        /// True when the delivery added a row to `mpesa.payments`.
        public var addedPayment: Bool
        /// Why a person should look at it, when there is a reason.
        public var reviewReason: String?
    }

    public typealias Completion = (Result<Recorded, Failure>) -> Void

    /// The statements to prepare on the recorder's connection.
    public static let statements = CallbackStatements.all

    private final class Entry {
        let delivery: Delivery
        let deadline: ContinuousClock.Instant
        let completion: Completion
        /// Set once a lone attempt lost a race on a unique index.
        var lostRace = false
        var isFinished = false

        init(
            delivery: Delivery, deadline: ContinuousClock.Instant, completion: @escaping Completion
        ) {
            self.delivery = delivery
            self.deadline = deadline
            self.completion = completion
        }

        func finish(_ result: Result<Recorded, Failure>) {
            guard !isFinished else { return }
            isFinished = true
            completion(result)
        }
    }

    private let connections: [PostgresConnection]
    /// The batch each connection carries, by the connection's index.
    private var inFlightByConnection: [Int: [Entry]] = [:]
    private let options: Options
    /// Deliveries waiting for the next batch, in arrival order, and the
    /// plan of that batch: it holds the first `plan.count` of them (at
    /// most `maximumBatchSize`), added as they arrived.
    private var waiting: [Entry] = []
    private var plan = BatchPlan()
    /// Deliveries of a refused batch, each to be tried again alone before
    /// anything in `waiting`.
    private var alone: [Entry] = []
    private var deadlineTimer: LoopEvent?
    private let loop: EventLoop
    /// Callback ids whose check after their batch failed in a way that may
    /// pass later (the server went away between the batch's commit and the
    /// check): checked again after the next batch that commits, until a
    /// check succeeds.
    // TODO: ids still here when the daemon stops are never checked; their
    // callbacks stay unflagged although both rows are stored.
    private var uncheckedSuccesses: Set<Int64> = []

    /// Called after each committed batch with its size and commit latency.
    public var onBatchCommitted: ((Int, Duration) -> Void)?

    /// Called with the number of successes that a batch had to check again
    /// in a transaction of its own: repeats of a recorded success, and the
    /// losers of a race with another transaction (see
    /// `CallbackStatements.flagConflictingSuccesses`).
    public var onRechecked: ((Int) -> Void)?

    public init(
        loop: EventLoop, connections: [PostgresConnection], options: Options = Options()
    ) {
        precondition(!connections.isEmpty, "a recorder needs a connection")
        self.loop = loop
        self.connections = connections
        self.options = options
    }

    /// Deliveries waiting for a transaction or in one.
    public var pendingCount: Int {
        waiting.count + alone.count + inFlightByConnection.values.reduce(0) { $0 + $1.count }
    }

    /// Whether a write can be attempted now.
    public var isAvailable: Bool { connections.contains { $0.state == .ready } }

    /// Records `delivery` and calls `completion` once it is committed, or
    /// with the reason it cannot be.
    public func record(_ delivery: Delivery, completion: @escaping Completion) {
        guard isAvailable else {
            completion(.failure(.unavailable(nil)))
            return
        }
        waiting.append(
            Entry(
                delivery: delivery, deadline: .now + options.deadline, completion: completion))
        if plan.count < options.maximumBatchSize {
            plan.add(delivery)
        }
        armDeadlineTimer()
        sendIfIdle()
    }

    private func sendIfIdle() {
        for (index, connection) in connections.enumerated()
        where (!alone.isEmpty || !waiting.isEmpty) && inFlightByConnection[index] == nil
            && connection.state == .ready
        {
            let (batch, plan) = takeBatch()
            inFlightByConnection[index] = batch
            send(batch, plan, on: index)
        }
        // With no connection ready, what waits fails now rather than at
        // its deadline, so that it goes to the spool at once.
        if !isAvailable {
            let stranded = alone + waiting
            alone.removeAll()
            waiting.removeAll()
            plan = BatchPlan()
            stranded.forEach { $0.finish(.failure(.unavailable(nil))) }
        }
    }

    /// The next batch: a delivery to be tried alone, or the planned ones.
    private func takeBatch() -> ([Entry], BatchPlan) {
        if !alone.isEmpty {
            let entry = alone.removeFirst()
            return ([entry], BatchPlan([entry.delivery]))
        }
        let batch = Array(waiting.prefix(plan.count))
        waiting.removeFirst(batch.count)
        let taken = plan
        replan()
        return (batch, taken)
    }

    /// Plans the next batch afresh from what waits: after a batch larger
    /// than the maximum came in, or after some waiting entries expired.
    private func replan() {
        plan = BatchPlan(waiting.prefix(options.maximumBatchSize).map(\.delivery))
    }

    private func send(_ batch: [Entry], _ plan: consuming BatchPlan, on index: Int) {
        let started = ContinuousClock.now
        let (commands, reader) = plan.commands()
        connections[index].execute(commands) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let rows):
                onBatchCommitted?(batch.count, .now - started)
                let outcomes = reader.outcomes(from: rows)
                if outcomes.unexplained.isEmpty && uncheckedSuccesses.isEmpty {
                    finish(batch, outcomes.recorded, on: index)
                } else {
                    flag(outcomes, then: batch, on: index)
                }
            case .failure(let error) where error.kind == .statement && batch.count > 1:
                // Retry each one alone, before what waits, in order.
                retry(batch, on: index)
            case .failure(let error)
            where error.kind == .statement && error.isUniqueViolation && !batch[0].lostRace:
                // A payment that another transaction added beside this one
                // took the receipt (see `CallbackStatements.recordCallbacks`):
                // that transaction has committed, so a second attempt sees
                // its payment, and flags this success instead of failing.
                batch[0].lostRace = true
                retry(batch, on: index)
            case .failure(let error) where error.kind == .statement:
                batch.forEach { $0.finish(.failure(.refused(error))) }
                release(index)
            case .failure(let error):
                batch.forEach { $0.finish(.failure(.unavailable(error))) }
                release(index)
            }
        }
    }

    /// Puts `batch` back in front of everything else, in order, each entry
    /// to go alone, and frees the connection.
    private func retry(_ batch: [Entry], on index: Int) {
        alone.insert(contentsOf: batch.filter { !$0.isFinished }, at: 0)
        release(index)
    }

    /// Checks again the successes that added no payment and got no reason,
    /// in a transaction of its own on the same connection, before the batch
    /// is answered: a repeat stays unflagged, the loser of a race with
    /// another transaction is flagged. Successes of earlier batches whose
    /// check failed go along. The batch is committed either way: if this
    /// fails, its callbacks are answered as they are, unflagged, and, when
    /// the failure may pass (`mayPassLater`), their ids wait for the next
    /// committed batch to be checked again (the statement changes only rows
    /// still unflagged, so a second check of a row that the first did flag
    /// changes nothing).
    private func flag(_ outcomes: BatchOutcomes, then batch: [Entry], on index: Int) {
        onRechecked?(outcomes.unexplained.count)
        let ids = uncheckedSuccesses.union(outcomes.unexplained.keys)
        uncheckedSuccesses.removeAll()
        connections[index].execute([BatchPlan.flagging(ids)]) {
            [weak self] result in
            guard let self else { return }
            var recorded = outcomes.recorded
            let rows: [PostgresRows]
            switch result {
            case .success(let results):
                rows = results
            case .failure(let error):
                if Self.mayPassLater(error) {
                    uncheckedSuccesses.formUnion(ids)
                }
                finish(batch, recorded, on: index)
                return
            }
            if let flagged = rows.first {
                for row in flagged.rows {
                    guard let id = row[0].flatMap({ Int64($0) }),
                        let delivery = outcomes.unexplained[id]
                    else { continue }
                    recorded[delivery]?.reviewReason = row[1]
                }
            }
            finish(batch, recorded, on: index)
        }
    }

    /// Whether a check that failed this way can succeed when made again: the
    /// connection failed, or the server rolled the transaction back for a
    /// conflict (SQLSTATE class 40). Any other refusal would recur with
    /// every batch.
    private static func mayPassLater(_ error: PostgresError) -> Bool {
        error.kind != .statement || error.sqlState?.hasPrefix("40") == true
    }

    /// Frees the connection of a committed batch and answers each entry.
    private func finish(
        _ batch: [Entry], _ recorded: [DeliveryID: Recorded], on index: Int
    ) {
        // The next batch goes to PostgreSQL first, so that the server works
        // on it while these answers are written.
        release(index)
        for entry in batch {
            entry.finish(
                .success(
                    recorded[entry.delivery.id]
                        ?? Recorded(isNewDelivery: false, addedPayment: false, reviewReason: nil)))
        }
    }

    /// Frees a connection for the next batch.
    private func release(_ index: Int) {
        inFlightByConnection[index] = nil
        sendIfIdle()
    }

    // MARK: Deadlines

    private func armDeadlineTimer() {
        guard deadlineTimer == nil else { return }
        deadlineTimer = try? LoopEvent.timer(
            on: loop, after: .milliseconds(100), repeats: true
        ) { [unowned self] in
            expireOverdue()
        }
    }

    private func expireOverdue() {
        let now = ContinuousClock.now
        // Each queue is in arrival order: its overdue entries lead.
        let overdueAlone = alone.prefix { $0.deadline <= now }
        alone.removeFirst(overdueAlone.count)
        let overdueWaiting = waiting.prefix { $0.deadline <= now }
        waiting.removeFirst(overdueWaiting.count)
        if !overdueWaiting.isEmpty {
            replan()
        }
        for entry in overdueAlone + overdueWaiting {
            entry.finish(.failure(.unavailable(nil)))
        }
        // An overdue entry in flight is answered now; its commit, if it comes,
        // is ignored and any later replay of it is a no-op.
        for batch in inFlightByConnection.values {
            for entry in batch where entry.deadline <= now {
                entry.finish(.failure(.unavailable(nil)))
            }
        }
        if waiting.isEmpty && alone.isEmpty && inFlightByConnection.isEmpty {
            deadlineTimer = nil
        }
    }
}
