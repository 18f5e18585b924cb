import CLibEvent
import Glibc

/// A libevent `event` with a Swift callback: a timer, a watched file
/// descriptor or a signal.
///
/// Ownership: the object owns its `struct event` and frees it in `deinit`;
/// while it is armed the loop does not retain it, so its owner must keep it
/// alive for as long as it should fire. Thread rules: loop thread only.
public final class LoopEvent {
    private var event: OpaquePointer?
    private let callback: (Int16) -> Void

    private init(
        loop: EventLoop, fd: Int32, flags: Int32, callback: @escaping (Int16) -> Void
    ) throws(EventError) {
        self.callback = callback
        self.event = nil
        guard let event = event_new(loop.base, fd, Int16(flags), loopEventFired, nil) else {
            throw EventError(operation: "event_new", errno: errno)
        }
        event_assign(
            event, loop.base, fd, Int16(flags), loopEventFired,
            Unmanaged.passUnretained(self).toOpaque())
        self.event = event
    }

    deinit {
        if let event {
            event_free(event)
        }
    }

    /// A timer that fires once after `delay`, or every `delay` when `repeats`.
    ///
    /// The timer is armed on creation; `cancel()` or releasing it disarms it.
    public static func timer(
        on loop: EventLoop, after delay: Duration, repeats: Bool = false,
        _ body: @escaping () -> Void
    ) throws(EventError) -> LoopEvent {
        let timer = try LoopEvent(loop: loop, fd: -1, flags: repeats ? EV_PERSIST : 0) { _ in
            body()
        }
        timer.arm(after: delay)
        return timer
    }

    /// Watches `fd` and calls `body` when it becomes readable (or writable).
    ///
    /// A persistent watcher stays armed after firing; a one-shot watcher fires
    /// once per `arm()`. The watcher starts disarmed.
    public static func watch(
        fd: Int32, on loop: EventLoop, forWriting: Bool = false, persistent: Bool,
        _ body: @escaping () -> Void
    ) throws(EventError) -> LoopEvent {
        let flags = (forWriting ? EV_WRITE : EV_READ) | (persistent ? EV_PERSIST : 0)
        return try LoopEvent(loop: loop, fd: fd, flags: flags) { _ in body() }
    }

    /// An event that runs `body` once on the loop thread each time `activate()` has been
    /// called, however many times, since it last ran.
    public static func deferred(
        on loop: EventLoop, _ body: @escaping () -> Void
    ) throws(EventError) -> LoopEvent {
        try LoopEvent(loop: loop, fd: -1, flags: 0) { _ in body() }
    }

    /// Calls `body` on the loop thread each time the process receives `signal`.
    public static func signal(
        _ number: Int32, on loop: EventLoop, _ body: @escaping () -> Void
    ) throws(EventError) -> LoopEvent {
        let event = try LoopEvent(loop: loop, fd: number, flags: EV_SIGNAL | EV_PERSIST) { _ in
            body()
        }
        event.arm()
        return event
    }

    /// Arms the event, with a timeout when `after` is given.
    public func arm(after delay: Duration? = nil) {
        guard let event else { return }
        if let delay {
            var interval = timeval(duration: delay)
            event_add(event, &interval)
        } else {
            event_add(event, nil)
        }
    }

    /// Makes the event fire on this turn of the loop, after the callbacks already due.
    public func activate() {
        guard let event else { return }
        event_active(event, EV_TIMEOUT, 0)
    }

    /// Disarms the event; it can be armed again.
    public func cancel() {
        guard let event else { return }
        event_del(event)
    }

    /// Whether the event is armed.
    public var isArmed: Bool {
        guard let event else { return false }
        return event_pending(event, Int16(EV_READ | EV_WRITE | EV_TIMEOUT | EV_SIGNAL), nil) != 0
    }

    fileprivate func fire(_ what: Int16) {
        callback(what)
    }
}

private func loopEventFired(_ fd: Int32, _ what: Int16, _ arg: UnsafeMutableRawPointer?) {
    guard let arg else { return }
    // The callback may release the event; keep it alive until it returns.
    let event = Unmanaged<LoopEvent>.fromOpaque(arg).takeUnretainedValue()
    withExtendedLifetime(event) { event.fire(what) }
}

extension timeval {
    init(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
