import Foundation
import Glibc
import Locking
import ServiceKit
import Synchronization

/// A sink that keeps every line it is given, for tests to read back.
final class CapturingSink: LogSink {
    private let lines = Locked<[String]>([])

    func write(_ line: [UInt8]) {
        lines.withLock { $0.append(String(decoding: line, as: UTF8.self)) }
    }

    /// Every line written so far, newlines included.
    var captured: [String] {
        lines.withLock { $0 }
    }

    /// Everything written so far, as one text.
    var output: String {
        captured.joined()
    }
}

/// A directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/servicekit-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    func write(_ contents: String, to name: String) throws {
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path + "/" + name))
    }

    func write(_ contents: [UInt8], to name: String) throws {
        try Data(contents).write(to: URL(fileURLWithPath: path + "/" + name))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A pipe for tests, closed by the test.
final class Pipe: Sendable {
    let readEnd: Int32
    let writeEnd: Int32
    private let isWriteEndOpen = Atomic(true)

    init() throws {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        readEnd = descriptors[0]
        writeEnd = descriptors[1]
    }

    func closeWriteEnd() {
        if isWriteEndOpen.exchange(false, ordering: .relaxed) {
            Glibc.close(writeEnd)
        }
    }

    func close() {
        closeWriteEnd()
        Glibc.close(readEnd)
    }

    /// Fills a non-blocking pipe to the last byte with newlines, which readers that
    /// split lines ignore.
    func fillWithNewlines() {
        for size in [4_096, 256, 16, 1] {
            let chunk = [UInt8](repeating: UInt8(ascii: "\n"), count: size)
            while chunk.withUnsafeBytes({ write(writeEnd, $0.baseAddress, $0.count) }) == size {
                continue
            }
        }
    }

    /// Reads until every writer has closed its end.
    func readAll(bytesPerRead: Int = 8_192) -> String {
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: bytesPerRead)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR {
                continue
            }
            guard count > 0 else {
                return String(decoding: contents, as: UTF8.self)
            }
            contents += buffer[..<count]
        }
    }

    /// Starts `readAll` on a thread of its own.
    func startReading(bytesPerRead: Int = 8_192) -> PendingRead {
        let pending = PendingRead()
        Thread.detachNewThread { [self] in
            pending.complete(with: readAll(bytesPerRead: bytesPerRead))
        }
        return pending
    }
}

/// The result of a read running on another thread.
final class PendingRead: Sendable {
    private let result = Locked<String?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func complete(with text: String) {
        result.withLock { $0 = text }
        done.signal()
    }

    /// Waits for the read to finish and returns what it read.
    func wait() -> String {
        done.wait()
        return result.withLock { $0 } ?? ""
    }
}
