import Foundation
import Locking

/// A sink that never makes its caller wait for the reader: lines go into a
/// bounded queue, and a thread of its own writes them to a file descriptor
/// (standard error, which systemd connects to journald).
///
/// The daemon logs from its event loop. Were it to write there, a reader
/// that stopped reading (journald stuck or restarting) would stop the loop
/// once the pipe filled, and with it every callback. Here the loop only
/// appends to memory. When the queue holds `capacityBytes`, further lines
/// are dropped and counted; the first line queued after a drop is preceded
/// by a `warning` line saying how many were lost, and `countDrops(in:)`
/// adds them to a metric as well.
///
/// The writer takes everything queued at once and writes it with as few
/// `write(2)` calls as fit, then waits a millisecond for more before it
/// looks again, so a busy logger costs a wake-up and a system call per
/// batch, not per line; a line reaches the reader at most about a
/// millisecond late. Only this thread writes the descriptor, so lines never
/// interleave however long a batch is. Before the process exits, `drain`
/// waits for what is queued.
///
/// Thread rules: `write` from any thread; the writer thread lives as long
/// as the process.
public final class QueuedLogSink: LogSink {
    private struct Queue {
        var lines: [[UInt8]] = []
        var bytes = 0
        /// Lines dropped since the last notice was queued.
        var droppedSinceNotice = 0
        /// Whether the writer is waiting on `wakeup` for lines.
        var writerIsIdle = false
        /// Whether the writer holds a batch it has not finished writing.
        var writerIsBusy = false
        var dropCounter: Counter?
    }

    /// The queue's bound; a full one drops lines rather than grow.
    public let capacityBytes: Int
    private let output: FileDescriptorLogSink
    private let queue = Locked(Queue())
    private let wakeup = DispatchSemaphore(value: 0)

    /// Starts the writer thread for `fileDescriptor`, which the caller keeps
    /// open for the life of the process.
    ///
    /// - Parameter capacityBytes: at most this much is held for a slow reader
    ///   (1 MiB by default: some 4,000 lines of a callback's size).
    public init(fileDescriptor: Int32 = STDERR_FILENO, capacityBytes: Int = 1 << 20) {
        self.capacityBytes = capacityBytes
        output = FileDescriptorLogSink(fileDescriptor: fileDescriptor)
        let writer = Thread { [self] in writeForever() }
        writer.name = "log writer"
        writer.start()
    }

    /// Adds every line dropped from now on to `counter` as well.
    public func countDrops(in counter: Counter) {
        queue.withLock { $0.dropCounter = counter }
    }

    /// Queues `line`, or drops and counts it when the queue is full.
    public func write(_ line: [UInt8]) {
        let wake = queue.withLock { queue -> Bool in
            if queue.droppedSinceNotice > 0 {
                let notice = Self.notice(dropped: queue.droppedSinceNotice)
                guard queue.bytes + notice.count + line.count <= capacityBytes else {
                    queue.droppedSinceNotice += 1
                    queue.dropCounter?.increment()
                    return false
                }
                queue.lines.append(notice)
                queue.bytes += notice.count
                queue.droppedSinceNotice = 0
            } else if queue.bytes + line.count > capacityBytes {
                queue.droppedSinceNotice = 1
                queue.dropCounter?.increment()
                return false
            }
            queue.lines.append(line)
            queue.bytes += line.count
            guard queue.writerIsIdle else { return false }
            queue.writerIsIdle = false
            return true
        }
        if wake {
            wakeup.signal()
        }
    }

    /// Waits until everything queued so far is written, or `timeout` has
    /// passed (a reader that has stopped must not hold the exit forever).
    ///
    /// - Returns: whether the queue was written out.
    @discardableResult
    public func drain(timeout: Duration = .seconds(2)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if queue.withLock({ $0.lines.isEmpty && !$0.writerIsBusy }) {
                return true
            }
            var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            nanosleep(&pause, nil)
        }
        return false
    }

    /// The `warning` line that stands for `count` dropped lines.
    static func notice(dropped count: Int) -> [UInt8] {
        var line = LogLine(
            level: .warning, message: "log lines dropped: the log reader fell behind")
        line.append(.count, count)
        return line.finish()
    }

    private func writeForever() {
        while true {
            let batch = queue.withLock { queue -> [[UInt8]] in
                guard !queue.lines.isEmpty else {
                    queue.writerIsIdle = true
                    queue.writerIsBusy = false
                    return []
                }
                let lines = queue.lines
                queue.lines.removeAll(keepingCapacity: true)
                queue.bytes = 0
                queue.writerIsBusy = true
                return lines
            }
            if batch.isEmpty {
                wakeup.wait()
                continue
            }
            write(batch)
            // Lines arriving meanwhile join the next batch: while lines keep
            // coming, the writer wakes once a millisecond instead of being
            // woken for each, which cost more than the write itself.
            var linger = timespec(tv_sec: 0, tv_nsec: Self.lingerNanoseconds)
            nanosleep(&linger, nil)
        }
    }

    private static let lingerNanoseconds = 1_000_000

    /// Writes `lines` in chunks of up to 64 KiB, each with one call of the
    /// output sink (which finishes short writes).
    private func write(_ lines: [[UInt8]]) {
        var chunk: [UInt8] = []
        chunk.reserveCapacity(Self.chunkBytes)
        for line in lines {
            if chunk.count + line.count > Self.chunkBytes, !chunk.isEmpty {
                output.write(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
            chunk += line
        }
        if !chunk.isEmpty {
            output.write(chunk)
        }
    }

    private static let chunkBytes = 65_536
}
