import Glibc

/// A system call that failed: which operation it was and the `errno` it left behind.
///
/// Every C call in ServiceKit that can set `errno` goes through `retryingSystemCall`, so
/// this is the only place where a C status becomes a Swift error.
public struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The call or step that failed, such as `"sendto"`.
    public let operation: String

    /// The `errno` value the call left behind.
    public let errno: Int32

    /// Creates an error for `operation` with the given `errno` value.
    public init(operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// The operation, the system's text for the error and its number.
    public var description: String {
        // glibc 2.32 and later keep strerror's buffer per thread, so this is thread safe.
        let text = String(cString: strerror(errno))
        return "\(operation) failed: \(text) (errno \(errno))"
    }
}

/// Runs a C call that reports failure as -1 with `errno` set, retrying after `EINTR`.
///
/// - Parameters:
///   - operation: names the call in the error, such as `"sendto"`.
///   - call: the C call; it may run more than once.
/// - Returns: the call's non-negative result.
/// - Throws: `SystemCallError` with the `errno` of the failure.
func retryingSystemCall<Result: SignedInteger>(
    _ operation: String,
    _ call: () -> Result
) throws(SystemCallError) -> Result {
    while true {
        let result = call()
        guard result == -1 else {
            return result
        }

        let code = Glibc.errno
        guard code == EINTR else {
            throw SystemCallError(operation: operation, errno: code)
        }
    }
}
