import Dispatch
import EventHTTP
import Locking
import Synchronization

/// The local spool: where a delivery goes, durably, while PostgreSQL cannot
/// take it, and where the drainer finds it again.
///
/// All file work runs on a serial queue of its own, never on the event loop.
/// Appends that arrive while one is being written are written and synced
/// together (one `fdatasync` for the group). Completions run on the loop.
///
/// Ownership: owns its `SpoolFiles` (touched only on the queue). Thread
/// rules: `append`, `takeOldestSegment` and `removeSegment` are called on
/// the loop thread and call back on it; `depth` and `isWritable` may be
/// read anywhere.
public final class Spool: @unchecked Sendable {
    public typealias AppendCompletion = (Result<Void, SpoolError>) -> Void

    /// A sealed segment handed out for draining.
    public struct Segment: Sendable {
        public let number: Int
        public let records: [SpoolRecord]
    }

    private struct PendingWrites {
        var records: [(id: Int, record: SpoolRecord)] = []
        var isFlushScheduled = false
    }

    private let files: SpoolFiles
    private let queue = DispatchQueue(label: "mpesa-callbackd.spool")
    private let loop: EventLoop
    private let pendingWrites = Locked(PendingWrites())
    private let depthCount: Atomic<Int>
    private let writable = Atomic<Bool>(true)
    // Loop-thread state: completions waiting for their write.
    private var completions: [Int: AppendCompletion] = [:]
    private var queueCompletions: [Int: Any] = [:]
    private var nextAppendID = 0

    /// Opens the spool in `directory`, creating it if needed and setting
    /// aside any torn tail left by a crash.
    ///
    /// - Parameter onTornTail: told (file, reason) about each tail set aside.
    /// - Throws: `SpoolError` when the directory cannot be used, including
    ///   when another process holds its lock.
    public init(
        directory: String, loop: EventLoop, onTornTail: (String, String) -> Void = { _, _ in }
    ) throws(SpoolError) {
        files = try SpoolFiles(path: directory, onTornTail: onTornTail)
        self.loop = loop
        depthCount = Atomic(files.recordCount)
    }

    /// The directory this spool lives in.
    public var directory: String { files.path }

    /// Records kept and not yet drained into PostgreSQL.
    public var depth: Int { depthCount.load(ordering: .relaxed) }

    /// False after an append failed, until one succeeds again.
    public var isWritable: Bool { writable.load(ordering: .relaxed) }

    /// Appends `record` and calls `completion` on the loop once it is synced
    /// to disk, or with the error that kept it from being so.
    public func append(_ record: SpoolRecord, completion: @escaping AppendCompletion) {
        nextAppendID += 1
        let id = nextAppendID
        completions[id] = completion
        let mustSchedule = pendingWrites.withLock { pending -> Bool in
            pending.records.append((id, record))
            defer { pending.isFlushScheduled = true }
            return !pending.isFlushScheduled
        }
        if mustSchedule {
            queue.async { [self] in flushPendingWrites() }
        }
    }

    /// Hands the oldest segment (sealing the one being written if it is the
    /// only one) to `completion` on the loop; nil when the spool is empty.
    public func takeOldestSegment(completion: @escaping (Result<Segment?, SpoolError>) -> Void) {
        onQueue(completion) { [files] in
            Result { () throws(SpoolError) -> Segment? in
                try files.oldestSegment().map { Segment(number: $0.number, records: $0.records) }
            }
        }
    }

    /// Deletes a segment whose records are all committed in PostgreSQL.
    public func removeSegment(
        _ segment: Segment, completion: @escaping (Result<Void, SpoolError>) -> Void
    ) {
        onQueue(completion) { [self] in
            let result = Result { () throws(SpoolError) in try files.remove(segment.number) }
            if case .success = result {
                depthCount.subtract(segment.records.count, ordering: .relaxed)
            }
            return result
        }
    }

    /// Runs `work` on the queue and passes its result to `completion` on the
    /// loop; the completion itself never leaves the loop thread.
    private func onQueue<Value: Sendable>(
        _ completion: @escaping (Value) -> Void, _ work: @escaping @Sendable () -> Value
    ) {
        nextAppendID += 1
        let id = nextAppendID
        queueCompletions[id] = completion
        queue.async { [self] in
            let value = work()
            loop.execute { [self] in
                let stored = queueCompletions.removeValue(forKey: id)
                guard let typed = stored as? (Value) -> Void else {
                    assertionFailure("a spool completion lost its type")
                    return
                }
                typed(value)
            }
        }
    }

    private func flushPendingWrites() {
        let batch = pendingWrites.withLock { pending in
            defer {
                pending.records.removeAll()
                pending.isFlushScheduled = false
            }
            return pending.records
        }
        let result = Result { () throws(SpoolError) in try files.append(batch.map(\.record)) }
        if case .success = result {
            depthCount.add(batch.count, ordering: .relaxed)
        }
        writable.store((try? result.get()) != nil, ordering: .relaxed)
        let ids = batch.map(\.id)
        loop.execute { [self] in
            for id in ids {
                completions.removeValue(forKey: id)?(result)
            }
        }
    }
}
