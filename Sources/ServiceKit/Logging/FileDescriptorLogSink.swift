import Glibc

/// A sink that writes each line with one `write(2)` call on a file descriptor.
///
/// It does not own the descriptor and never closes it. No lock is taken: a write of at
/// most `PIPE_BUF` (4096) bytes to a pipe is atomic, and journald's stream socket keeps
/// such small writes whole, so lines from different threads do not interleave.
///
/// A write interrupted by a signal is retried, and a short write is finished with the
/// rest. A descriptor left non-blocking by someone else is waited on with `poll`. Any
/// other failure drops the line: there is nowhere left to report it.
public struct FileDescriptorLogSink: LogSink {
    /// Standard error, which systemd connects to journald.
    public static let standardError = FileDescriptorLogSink(fileDescriptor: STDERR_FILENO)

    /// The descriptor lines are written to.
    public let fileDescriptor: Int32

    /// Creates a sink for `fileDescriptor`, which the caller keeps open.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    public func write(_ line: [UInt8]) {
        line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let remaining = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                let written = Glibc.write(fileDescriptor, remaining.baseAddress, remaining.count)
                if written >= 0 {
                    offset += written
                } else if !waitAfterFailedWrite() {
                    return
                }
            }
        }
    }

    /// Decides after a failed `write` whether to try again, waiting when that helps.
    private func waitAfterFailedWrite() -> Bool {
        switch errno {
        case EINTR:
            return true
        case EAGAIN:
            var request = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
            return poll(&request, 1, -1) >= 0 || errno == EINTR
        default:
            return false
        }
    }
}
