import CHiredis
import NIOCore

/// hiredis's reply parser without its socket: bytes from a NIO channel go in, complete replies
/// come out. Used only on its channel's event loop.
public final class RESPReader {
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
        encodeHeader(arguments: command.count, into: &buffer)
        for argument in command { encodeArgument(argument, into: &buffer) }
    }

    /// `*<count>\r\n`: what starts a command of `count` arguments.
    public static func encodeHeader(arguments count: Int, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "*"))
        writeDecimal(count, into: &buffer)
        buffer.writeStaticString("\r\n")
    }

    /// One argument as a bulk string. Hand-written rather than interpolated: a tail's XREAD
    /// over many grids has thousands of arguments, sent many times a second.
    public static func encodeArgument(_ argument: some Collection<UInt8>, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "$"))
        writeDecimal(argument.count, into: &buffer)
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(argument)
        buffer.writeStaticString("\r\n")
    }

    private static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        if value < 10 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: 48 + value))
            return
        }
        var digits: [UInt8] = []
        var rest = value
        while rest > 0 {
            digits.append(UInt8(truncatingIfNeeded: 48 + rest % 10))
            rest /= 10
        }
        buffer.writeBytes(digits.reversed())
    }
}
