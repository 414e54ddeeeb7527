import Foundation
import Synchronization

/// A local, fsync'd file of session records that could reach neither Redis nor MySQL. Each
/// record is one JSON line; the drainer writes them to MySQL when it is back and then removes
/// them. Upserts are idempotent, so a record replayed after a crash mid-drain is stored once.
public final class Spool: Sendable {
    public let path: String
    private let lock = Mutex<Void>(())

    public init(directory: String, serverID: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.path = (directory as NSString).appendingPathComponent("\(serverID).jsonl")
    }

    public func append(_ record: SessionRecord) throws {
        let line = try JSONEncoder().encode(record) + Data("\n".utf8)
        try lock.withLock { _ in
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
            guard fd >= 0 else { throw SpoolError(message: "cannot open spool \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == line.count, fsync(fd) == 0 else {
                throw SpoolError(message: "cannot write spool \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    public func records() -> [SessionRecord] {
        lock.withLock { _ in Self.read(path) }
    }

    public var depth: Int { records().count }

    /// Removes the first `count` records, keeping any appended since they were read.
    public func remove(first count: Int) throws {
        try lock.withLock { _ in
            let remaining = Array(Self.read(path).dropFirst(count))
            var data = Data()
            for record in remaining { data += try JSONEncoder().encode(record) + Data("\n".utf8) }
            let temporary = path + ".tmp"
            let fd = open(temporary, O_WRONLY | O_TRUNC | O_CREAT, 0o600)
            guard fd >= 0 else { throw SpoolError(message: "cannot rewrite spool \(path)") }
            _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            fsync(fd)
            close(fd)
            guard rename(temporary, path) == 0 else { throw SpoolError(message: "cannot replace spool \(path)") }
        }
    }

    private static func read(_ path: String) -> [SessionRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(SessionRecord.self, from: Data($0)) }
    }
}

public struct SpoolError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
