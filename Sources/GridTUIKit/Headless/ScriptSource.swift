import Foundation

/// Lines of a script from a file or standard input, read on a thread of their own so that a
/// blocking read never holds one of the few threads of the concurrency pool.
public enum ScriptSource {
    public static func lines(path: String) throws -> AsyncStream<String> {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let file = FileHandle(forReadingAtPath: path) else {
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            handle = file
        }
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let thread = Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = pending[pending.startIndex..<newline]
                    if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                    continuation.yield(String(decoding: line, as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
            continuation.finish()
        }
        thread.start()
        return stream
    }
}
