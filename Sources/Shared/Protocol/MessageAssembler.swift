/// Joins WebSocket data frames into messages under a size limit, as a pure value. The server
/// reads raw frames through it instead of the library's message stream, so that it can answer
/// an over-size message with `frame_too_large` and a text message that is not UTF-8 with
/// `bad_frame`, and carry on; the library would close the connection in both cases.
/// Bytes beyond the limit are dropped as they arrive, so memory stays bounded by the limit.
public struct MessageAssembler: Sendable {
    public enum Opcode: Sendable { case text, binary, continuation }

    public enum Output: Hashable, Sendable {
        /// More frames are needed.
        case incomplete
        /// A whole text message's payload, not yet checked for UTF-8.
        case text([UInt8])
        /// A whole binary message (its content is not kept).
        case binary
        /// A whole message over the limit; `bytes` is its total size and `prefix` its first bytes
        /// (up to `prefixBytes`), enough to tell which request it was.
        case tooLarge(bytes: Int, prefix: [UInt8])
        /// A continuation without a first frame, or a new message before the last one ended.
        case outOfSequence
    }

    public let maxBytes: Int
    public static let prefixBytes = 1024
    private var state = State.idle

    private enum State: Sendable {
        case idle
        case collecting(text: Bool, bytes: [UInt8])
        case discarding(total: Int, prefix: [UInt8])
        case skipping
    }

    public init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    public mutating func receive(_ opcode: Opcode, fin: Bool, payload: some Collection<UInt8>) -> Output {
        switch (state, opcode) {
        case (.idle, .text), (.idle, .binary):
            state = .collecting(text: opcode == .text, bytes: [])
            return append(payload, fin: fin)
        case (.idle, .continuation):
            return .outOfSequence
        case (.skipping, .continuation):
            state = fin ? .idle : .skipping
            return .incomplete
        case (_, .continuation):
            return append(payload, fin: fin)
        case (_, .text), (_, .binary):
            // RFC 6455 forbids starting a message inside another: drop both, answered once.
            state = fin ? .idle : .skipping
            return .outOfSequence
        }
    }

    private mutating func append(_ payload: some Collection<UInt8>, fin: Bool) -> Output {
        switch state {
        case .idle, .skipping:
            return .outOfSequence
        case .collecting(let text, var bytes):
            if bytes.count + payload.count > maxBytes {
                let prefix = Array((bytes + payload.prefix(Self.prefixBytes)).prefix(Self.prefixBytes))
                state = .discarding(total: bytes.count + payload.count, prefix: prefix)
                return fin ? finishDiscarding() : .incomplete
            }
            state = .idle  // releases the buffer before appending, so it is not copied
            bytes.append(contentsOf: payload)
            guard fin else {
                state = .collecting(text: text, bytes: bytes)
                return .incomplete
            }
            return text ? .text(bytes) : .binary
        case .discarding(let total, let prefix):
            let missing = Self.prefixBytes - prefix.count
            state = .discarding(total: total + payload.count, prefix: missing > 0 ? prefix + payload.prefix(missing) : prefix)
            return fin ? finishDiscarding() : .incomplete
        }
    }

    private mutating func finishDiscarding() -> Output {
        guard case .discarding(let total, let prefix) = state else { return .outOfSequence }
        state = .idle
        return .tooLarge(bytes: total, prefix: prefix)
    }
}
