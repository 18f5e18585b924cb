import Glibc

/// A value shared between threads, reached only while holding its lock.
///
/// This takes the place of the standard library's `Mutex` for one reason:
/// ThreadSanitizer. On Linux, `Mutex` hands a contended lock over inside the
/// kernel (`FUTEX_LOCK_PI`) from code built without instrumentation, so a
/// sanitizer run sees two threads touch the value with nothing ordering them
/// and reports a race that is not there. A `pthread_mutex_t` is one of the
/// calls ThreadSanitizer intercepts, so its runs stay exact: a race it
/// reports in code that uses this type is a real one.
///
/// The mutex is allocated once and freed when the box is; the value never
/// leaves the box except as what `withLock` returns.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    /// Boxes `value`.
    public init(_ value: Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed with \(status)")
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock; no other thread sees
    /// the value until `body` returns.
    public func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
