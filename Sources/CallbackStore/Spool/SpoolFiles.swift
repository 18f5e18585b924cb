import Foundation
import Glibc

/// The spool directory on disk: numbered segment files of records, a lock
/// file that keeps a second daemon out, and torn tails set aside.
///
/// Appends go to the newest segment and are made durable with `fdatasync`
/// before they count; a new segment's directory entry is made durable with
/// an `fsync` of the directory. Draining takes whole sealed segments, oldest
/// first, and deletes each once its records are committed elsewhere.
///
/// Ownership: owns the lock file descriptor and the open segment's
/// descriptor. Thread rules: blocking; used only on the spool's serial
/// queue, which is why it may be marked `@unchecked Sendable`.
final class SpoolFiles: @unchecked Sendable {
    /// A sealed segment and its records.
    struct Segment {
        let number: Int
        let records: [SpoolRecord]
    }

    /// Segments grow to about this size before a new one is started.
    let segmentSizeLimit: Int
    let path: String
    private let lockDescriptor: Int32
    private var open: (number: Int, descriptor: Int32, size: Int)?
    private var recordCounts: [Int: Int] = [:]
    private var nextNumber = 1

    /// Opens (creating if needed) the spool at `path`, takes its lock and
    /// checks every segment, setting aside a torn tail.
    ///
    /// - Parameter onTornTail: told about each damaged tail set aside.
    init(
        path: String, segmentSizeLimit: Int = 8 << 20, onTornTail: (String, String) -> Void
    ) throws(SpoolError) {
        self.path = path
        self.segmentSizeLimit = segmentSizeLimit
        try Self.makeDirectory(path)
        let lock = Glibc.open(path + "/spool.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw SpoolError("open the spool lock") }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            let error = SpoolError("lock \(path) (another process uses this spool)")
            close(lock)
            throw error
        }
        lockDescriptor = lock
        try scan(onTornTail: onTornTail)
    }

    /// Creates `path` and any missing parents, like `mkdir -p`; the spool
    /// directory itself is private to the daemon's user.
    private static func makeDirectory(_ path: String) throws(SpoolError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        let components = path.split(separator: "/")
        for (index, component) in components.enumerated() {
            prefix += component
            let mode: mode_t = index == components.count - 1 ? 0o700 : 0o755
            if mkdir(prefix, mode) != 0 && errno != EEXIST {
                throw SpoolError("create \(prefix)")
            }
            prefix += "/"
        }
    }

    deinit {
        if let open {
            close(open.descriptor)
        }
        close(lockDescriptor)
    }

    /// Records in every segment, not yet drained.
    var recordCount: Int { recordCounts.values.reduce(0, +) }

    /// Appends `records` and makes them durable; on failure none of them
    /// counts and the file is cut back to where it was.
    func append(_ records: [SpoolRecord]) throws(SpoolError) {
        var bytes: [UInt8] = []
        for record in records {
            SpoolRecordCodec.encode(record, into: &bytes)
        }
        let segment = try openSegment()
        do throws(SpoolError) {
            try writeAll(bytes, to: segment.descriptor)
            guard fdatasync(segment.descriptor) == 0 else { throw SpoolError("fdatasync") }
        } catch {
            // Leave no partial record behind; if even that fails, start a new
            // segment so that later records do not follow damage.
            if ftruncate(segment.descriptor, off_t(segment.size)) != 0 {
                close(segment.descriptor)
                open = nil
            }
            throw error
        }
        open?.size += bytes.count
        recordCounts[segment.number, default: 0] += records.count
        if let size = open?.size, size >= segmentSizeLimit {
            seal()
        }
    }

    /// Closes the open segment so that the next append starts a new one.
    func seal() {
        guard let segment = open else { return }
        close(segment.descriptor)
        open = nil
    }

    /// The oldest sealed segment with its records, sealing the open one
    /// first when it is the only one left.
    func oldestSegment() throws(SpoolError) -> Segment? {
        guard let oldest = recordCounts.keys.min() else { return nil }
        if oldest == open?.number {
            seal()
        }
        let data = try readFile(segmentPath(oldest))
        var records: [SpoolRecord] = []
        var offset = 0
        while case .record(let record, let next) = SpoolRecordCodec.decode(data, at: offset) {
            records.append(record)
            offset = next
        }
        return Segment(number: oldest, records: records)
    }

    /// Deletes a drained segment.
    func remove(_ number: Int) throws(SpoolError) {
        guard unlink(segmentPath(number)) == 0 || errno == ENOENT else {
            throw SpoolError("remove segment \(number)")
        }
        recordCounts[number] = nil
        try syncDirectory()
    }

    // MARK: Private

    private func segmentPath(_ number: Int) -> String {
        let digits = String(number)
        return path + "/segment-" + String(repeating: "0", count: max(0, 12 - digits.count))
            + digits + ".spool"
    }

    private func openSegment() throws(SpoolError) -> (number: Int, descriptor: Int32, size: Int) {
        if let open {
            return open
        }
        let number = nextNumber
        let descriptor = Glibc.open(
            segmentPath(number), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SpoolError("create segment \(number)") }
        do throws(SpoolError) {
            try syncDirectory()
        } catch {
            close(descriptor)
            unlink(segmentPath(number))
            throw error
        }
        nextNumber += 1
        let segment = (number: number, descriptor: descriptor, size: 0)
        open = segment
        return segment
    }

    private func scan(onTornTail: (String, String) -> Void) throws(SpoolError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let numbers = names.compactMap { name -> Int? in
            guard name.hasPrefix("segment-"), name.hasSuffix(".spool") else { return nil }
            return Int(name.dropFirst("segment-".count).dropLast(".spool".count))
        }.sorted()
        for number in numbers {
            let data = try readFile(segmentPath(number))
            var offset = 0
            var count = 0
            scanning: while true {
                switch SpoolRecordCodec.decode(data, at: offset) {
                case .record(_, let next):
                    offset = next
                    count += 1
                case .end:
                    break scanning
                case .damaged(let reason):
                    try setAside(data[offset...], of: number, at: offset)
                    onTornTail(segmentPath(number), reason)
                    break scanning
                }
            }
            if count > 0 {
                recordCounts[number] = count
            } else {
                try remove(number)
            }
            nextNumber = number + 1
        }
    }

    /// Moves a damaged tail into its own file and cuts the segment before it.
    /// Such a tail was never acknowledged: its write did not finish.
    private func setAside(_ tail: ArraySlice<UInt8>, of number: Int, at offset: Int)
        throws(SpoolError)
    {
        let tornPath = path + "/torn-\(number)-\(offset).bin"
        let descriptor = Glibc.open(tornPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SpoolError("create \(tornPath)") }
        defer { close(descriptor) }
        try writeAll(Array(tail), to: descriptor)
        guard fsync(descriptor) == 0 else { throw SpoolError("fsync \(tornPath)") }
        guard truncate(segmentPath(number), off_t(offset)) == 0 else {
            throw SpoolError("truncate segment \(number)")
        }
        try syncDirectory()
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(SpoolError) {
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress, $0.count)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw SpoolError("write") }
            written += count
        }
    }

    private func readFile(_ filePath: String) throws(SpoolError) -> [UInt8] {
        let descriptor = Glibc.open(filePath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SpoolError("open \(filePath)") }
        defer { close(descriptor) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw SpoolError("read \(filePath)") }
            if count == 0 { break }
            data.append(contentsOf: buffer[..<count])
        }
        return data
    }

    private func syncDirectory() throws(SpoolError) {
        let descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SpoolError("open \(path)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw SpoolError("fsync \(path)") }
    }
}
