import Glibc

/// A sink that writes each line with one `write(2)` call on a file descriptor.
///
/// It does not own the descriptor and never closes it. No lock is taken: a write of at
/// most `PIPE_BUF` (4096) bytes to a pipe is atomic, and the Unix stream socket that
/// journald gives a service queues a write that small as one piece, so lines from
/// different threads do not interleave.
///
/// A write interrupted by a signal is retried, and a short write is finished with the
/// rest. A descriptor left non-blocking by someone else is waited on with `poll`. Any
/// other failure drops the line: there is nowhere left to report it. Writing to a closed
/// pipe raises `SIGPIPE`, which a daemon should ignore.
public struct FileDescriptorLogSink: LogSink {
    /// Standard error, which systemd connects to journald.
    public static let standardError = FileDescriptorLogSink(fileDescriptor: STDERR_FILENO)

    /// The descriptor lines are written to.
    public let fileDescriptor: Int32

    /// Creates a sink for `fileDescriptor`, which the caller keeps open.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Writes `line` whole, or drops it when the descriptor fails for good.
    /// Blocks while a blocking descriptor is full: a thread that must not
    /// wait for the reader (an event loop) logs through `QueuedLogSink`,
    /// which also calls this with many lines at once.
    public func write(_ line: [UInt8]) {
        line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let remaining = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                do throws(SystemCallError) {
                    offset += try retryingSystemCall("write") {
                        Glibc.write(fileDescriptor, remaining.baseAddress, remaining.count)
                    }
                } catch let error where error.errno == EAGAIN {
                    waitUntilWritable()
                } catch {
                    return
                }
            }
        }
    }

    /// Waits until a non-blocking descriptor can take more, as a blocking one would.
    private func waitUntilWritable() {
        var request = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
        _ = try? retryingSystemCall("poll") { poll(&request, 1, -1) }
    }
}
