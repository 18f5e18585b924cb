import Foundation
import ServiceKit
import Synchronization

/// A sink that keeps every line it is given, for tests to read back.
final class CapturingSink: LogSink {
    private let lines = Mutex<[String]>([])

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
