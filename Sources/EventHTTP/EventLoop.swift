import CLibEvent
import Glibc
import Locking

/// One libevent `event_base` and the thread that runs it.
///
/// Ownership: the loop owns its `event_base` and frees it in `deinit`, after
/// every watcher, timer and server built on it is gone. Thread rules: `run()`
/// occupies the calling thread until `stop()`; `execute(_:)` and `stop()` may
/// be called from any thread; everything else (timers, watchers, servers) is
/// created, used and released on the loop thread only.
public final class EventLoop: @unchecked Sendable {
    let base: OpaquePointer
    private let wakeup: OpaquePointer
    private let pending = Locked<[@Sendable () -> Void]>([])
    private let loopThread = Locked<pthread_t?>(nil)

    /// Creates a loop. libevent's pthread locking is enabled once per process.
    ///
    /// - Throws: `EventError` when libevent cannot create the base.
    public init() throws(EventError) {
        EventLoop.enableThreadingOnce
        guard let base = event_base_new() else {
            throw EventError(operation: "event_base_new", errno: errno)
        }
        self.base = base
        // The wake-up event has no file descriptor; `event_active` fires it
        // from other threads.
        guard let wakeup = event_new(base, -1, Int16(EV_PERSIST), eventLoopWakeup, nil) else {
            event_base_free(base)
            throw EventError(operation: "event_new", errno: errno)
        }
        self.wakeup = wakeup
        event_assign(
            wakeup, base, -1, Int16(EV_PERSIST), eventLoopWakeup,
            Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        event_free(wakeup)
        event_base_free(base)
    }

    private static let enableThreadingOnce: Void = {
        // Once per process, before any base exists: makes `event_active`
        // and `event_base_loopbreak` safe from other threads.
        _ = evthread_use_pthreads()
        signal(SIGPIPE, SIG_IGN)
        // A write over the file-size limit then fails with EFBIG, which the
        // spool reports, instead of killing the process.
        signal(SIGXFSZ, SIG_IGN)
        // A parent may have started this process with signals blocked (a
        // dispatch worker thread does); signal events need them delivered.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
    }()

    /// Runs the loop on the calling thread until `stop()` is called.
    public func run() {
        loopThread.withLock { $0 = pthread_self() }
        defer { loopThread.withLock { $0 = nil } }
        event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY)
    }

    /// Starts a new thread that runs the loop until `stop()`.
    ///
    /// - Parameter onExit: called on that thread after the loop returns.
    public func runOnNewThread(onExit: @escaping @Sendable () -> Void = {}) {
        let thread = LoopThread { [self] in
            run()
            onExit()
        }
        thread.start()
    }

    /// Asks the loop to return from `run()` after the current callback.
    public func stop() {
        event_base_loopbreak(base)
    }

    /// Whether the caller is running on this loop's thread.
    public var isOnLoopThread: Bool {
        loopThread.withLock { thread in
            guard let thread else { return false }
            return pthread_equal(thread, pthread_self()) != 0
        }
    }

    /// Queues `work` to run on the loop thread; callable from any thread.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        pending.withLock { $0.append(work) }
        event_active(wakeup, EV_READ, 0)
    }

    /// Runs `work` on a thread of its own, then `completion` with its result
    /// on the loop thread. For the rare call that must block, such as a host
    /// name lookup; a thread per call, so never for per-request work.
    public func offload<Value: Sendable>(
        _ work: @escaping @Sendable () -> Value,
        then completion: @escaping @Sendable (Value) -> Void
    ) {
        LoopThread { [self] in
            let value = work()
            execute { completion(value) }
        }.start()
    }

    fileprivate func runPending() {
        let batch = pending.withLock { queue -> [@Sendable () -> Void] in
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
        for work in batch {
            work()
        }
    }

    /// Traps unless called on the loop thread; used by loop-confined types.
    @inline(__always)
    func assertOnLoop(_ function: StaticString = #function) {
        assert(
            isOnLoopThread || loopThread.withLock { $0 == nil },
            "\(function) must be called on the event loop thread")
    }
}

private func eventLoopWakeup(_ fd: Int32, _ what: Int16, _ arg: UnsafeMutableRawPointer?) {
    guard let arg else { return }
    Unmanaged<EventLoop>.fromOpaque(arg).takeUnretainedValue().runPending()
}

/// A POSIX thread that runs one closure: a loop, or offloaded work.
/// Foundation's `Thread` is avoided so that this module needs nothing beyond
/// Glibc.
final class LoopThread: @unchecked Sendable {
    private let body: @Sendable () -> Void

    init(body: @escaping @Sendable () -> Void) {
        self.body = body
    }

    func start() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                let owner = Unmanaged<LoopThread>.fromOpaque(raw).takeRetainedValue()
                owner.body()
                return nil
            }, context)
        precondition(status == 0, "pthread_create failed with \(status)")
        pthread_detach(thread)
    }
}
