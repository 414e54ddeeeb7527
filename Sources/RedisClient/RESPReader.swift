import CHiredis
import NIOCore

/// hiredis's reply parser without its socket: bytes from a NIO channel go in, complete replies
/// come out. Used only on its channel's event loop.
final class RESPReader {
    private let reader: UnsafeMutablePointer<redisReader>

    init() {
        // redisReaderCreate only fails when malloc does.
        self.reader = redisReaderCreate()!
    }

    deinit {
        redisReaderFree(self.reader)
    }

    func feed(_ buffer: ByteBuffer) throws {
        let status = buffer.withUnsafeReadableBytes { bytes in
            redisReaderFeed(self.reader, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        guard status == REDIS_OK else { throw self.error() }
    }

    /// The next complete reply, or nil until more bytes arrive.
    func next() throws -> RedisValue? {
        var reply: UnsafeMutableRawPointer?
        guard redisReaderGetReply(self.reader, &reply) == REDIS_OK else { throw self.error() }
        guard let reply else { return nil }
        defer { freeReplyObject(reply) }
        return RedisValue(reply: reply.assumingMemoryBound(to: redisReply.self))
    }

    private func error() -> RedisError {
        let text = withUnsafeBytes(of: self.reader.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return RedisError(code: .protocolError, message: "malformed reply from Redis: \(text)")
    }

    /// Appends one command in RESP: an array of bulk strings. Arguments may hold any bytes.
    static func encode<Command: Collection>(_ command: Command, into buffer: inout ByteBuffer) where Command.Element: Collection<UInt8> {
        buffer.writeString("*\(command.count)\r\n")
        for argument in command {
            buffer.writeString("$\(argument.count)\r\n")
            buffer.writeBytes(argument)
            buffer.writeString("\r\n")
        }
    }
}
